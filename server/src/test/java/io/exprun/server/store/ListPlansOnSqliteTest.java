package io.exprun.server.store;

import io.exprun.server.config.Limits;
import io.exprun.server.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list plans on SQLite, the embedded default. {@code EXPLAIN QUERY PLAN} gives one row per step, as a tree
 * (id, parent): {@code SEARCH t USING INDEX i (conditions)} reads a range of an index, {@code SCAN t} reads the whole
 * table and {@code SCAN t USING INDEX i} the whole index, and {@code USE TEMP B-TREE FOR ORDER BY} sorts what its
 * select (its parent step) read. A sort is acceptable only over limited subqueries (each branch of the exclude_status
 * union, the page of result ids joined to its view): it then sorts a page or a few. A sort beside a range read of
 * a table sorts everything the range held.
 */
class ListPlansOnSqliteTest extends ListPlansContractTest {

    private static final Pattern SEARCH = Pattern.compile("^SEARCH (\\S+) USING (?:COVERING )?INDEX (\\S+) \\(");
    private static final Pattern PRIMARY_KEY_LOOKUP = Pattern.compile(
            "^SEARCH (\\S+) USING (?:INTEGER PRIMARY KEY|(?:COVERING )?INDEX sqlite_autoindex_\\S+) \\(\\w+=\\?\\)");
    private static final Pattern TABLE_READ = Pattern.compile("^SCAN (runs|results|[a-z]) ?(USING .*)?$");

    /** UNIQUE constraints the lists read through, by the columns SQLite's automatic index for them covers. */
    private static final Map<String, List<String>> CONSTRAINT_COLUMNS =
            Map.of("results_run_seq", List.of("run_id", "seq"));

    @Override
    Database freshDatabase() {
        return Database.open(TestServer.embeddedConfig(0).dbUrl(), null, null, 2, Limits.DEFAULTS, true);
    }

    private record Step(int id, int parent, String detail) {}

    @Override
    void assertReadsInOrderFrom(Connection c, ListSql.Statement statement, String index) throws SQLException {
        List<Step> plan = explain(c, statement);
        String expected = indexNamed(c, index);
        List<String> problems = new ArrayList<>();
        int rangeReads = 0;
        for (Step step : plan) {
            String d = step.detail();
            Matcher search = SEARCH.matcher(d);
            if (PRIMARY_KEY_LOOKUP.matcher(d).find()) {
                continue;
            }
            if (search.find()) {
                rangeReads++;
                if (!search.group(2).equals(expected)) {
                    problems.add("reads the index " + search.group(2) + ", not " + expected);
                }
            } else if (TABLE_READ.matcher(d).find() && !isSubqueryScan(d)) {
                problems.add("reads all of " + d.substring("SCAN ".length()));
            } else if (d.startsWith("USE TEMP B-TREE FOR") && sortsWhatATableReadGave(plan, step)) {
                problems.add("sorts everything it read from a table (" + d + ")");
            }
        }
        if (rangeReads == 0) {
            problems.add("reads no range of " + expected);
        }
        if (!statement.sql().contains("LIMIT")) {
            problems.add("has no limit");
        }
        if (!problems.isEmpty()) {
            StringBuilder shown = new StringBuilder();
            plan.forEach(s -> shown.append(s.id())
                    .append(" <- ")
                    .append(s.parent())
                    .append(": ")
                    .append(s.detail())
                    .append('\n'));
            throw new AssertionError(String.join("; ", problems) + " in the plan:\n" + shown);
        }
    }

    /**
     * A sort belongs to the select that is its parent step: it sorts what that select read. Over limited subqueries
     * (their scans) and primary-key lookups of their rows it sorts a page or a few; over a range of a table it sorts
     * the whole range.
     */
    private static boolean sortsWhatATableReadGave(List<Step> plan, Step sort) {
        return plan.stream()
                .filter(s -> s.parent() == sort.parent() && s != sort)
                .map(Step::detail)
                .anyMatch(d -> (d.startsWith("SEARCH ")
                                && !PRIMARY_KEY_LOOKUP.matcher(d).find())
                        || (d.startsWith("SCAN ") && !isSubqueryScan(d)));
    }

    private static boolean isSubqueryScan(String detail) {
        return detail.matches("SCAN (s\\d+|page_ids|\\(subquery-\\d+\\)).*");
    }

    /**
     * The index's name in SQLite: its own, or, for a UNIQUE constraint (results_run_seq), the automatic index SQLite
     * keeps for it under a name of its own.
     */
    private static String indexNamed(Connection c, String index) throws SQLException {
        List<String> columns = CONSTRAINT_COLUMNS.get(index);
        if (columns == null) {
            return index;
        }
        String table = index.substring(0, index.indexOf('_'));
        try (ResultSet list = c.createStatement().executeQuery("PRAGMA index_list(" + table + ")")) {
            while (list.next()) {
                String name = list.getString("name");
                List<String> indexed = new ArrayList<>();
                try (ResultSet info = c.createStatement().executeQuery("PRAGMA index_info(" + name + ")")) {
                    while (info.next()) {
                        indexed.add(info.getString("name"));
                    }
                }
                if ("u".equals(list.getString("origin")) && indexed.equals(columns)) {
                    return name;
                }
            }
        }
        throw new AssertionError("no index of the constraint " + index + " on " + columns);
    }

    private static List<Step> explain(Connection c, ListSql.Statement statement) throws SQLException {
        List<Step> steps = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "EXPLAIN QUERY PLAN " + statement.sql(), statement);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                steps.add(new Step(rs.getInt(1), rs.getInt(2), rs.getString(4)));
            }
        }
        return steps;
    }
}
