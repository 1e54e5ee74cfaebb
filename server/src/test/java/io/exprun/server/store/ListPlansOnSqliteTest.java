package io.exprun.server.store;

import io.exprun.server.config.Limits;
import io.exprun.server.testing.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list plans on SQLite, the embedded default. {@code EXPLAIN QUERY PLAN} gives one row per step, as a tree
 * (id, parent): {@code SEARCH t USING INDEX i (conditions)} reads a range of an index, {@code SCAN t} reads the whole
 * table and {@code SCAN t USING INDEX i} the whole index, and {@code USE TEMP B-TREE FOR ORDER BY} sorts what its
 * select read. A sort is acceptable only at the top of a statement whose inputs are limited subqueries (the
 * exclude_status union, the results page joined to its view): it then sorts at most a few pages of rows. A sort
 * inside such a subquery, or in a plain select, sorts everything the range held.
 */
class ListPlansOnSqliteTest extends ListPlansContractTest {

    private static final Pattern SEARCH = Pattern.compile("^SEARCH (\\S+) USING (?:COVERING )?INDEX (\\S+) \\(");
    private static final Pattern PRIMARY_KEY_LOOKUP = Pattern.compile(
            "^SEARCH (\\S+) USING (?:INTEGER PRIMARY KEY|(?:COVERING )?INDEX sqlite_autoindex_\\S+) \\(\\w+=\\?\\)");
    private static final Pattern TABLE_READ = Pattern.compile("^SCAN (runs|results|[a-z]) ?(USING .*)?$");

    @Override
    Database freshDatabase() {
        return Database.open(TestServer.embeddedConfig(0).dbUrl(), null, null, 2, Limits.DEFAULTS, true);
    }

    private record Step(int id, int parent, String detail) {
    }

    @Override
    void assertReadsInOrderFrom(Connection c, ListSql.Statement statement, String index) throws SQLException {
        List<Step> plan = explain(c, statement);
        Map<Integer, Step> byId = new HashMap<>();
        plan.forEach(s -> byId.put(s.id(), s));
        boolean fromLimitedSubqueries = plan.stream().anyMatch(s -> s.detail().startsWith("CO-ROUTINE")
                || s.detail().startsWith("MATERIALIZE") || s.detail().startsWith("COMPOUND"));
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
                if (!search.group(2).equals(index) && !search.group(2).startsWith(index)) {
                    problems.add("reads the index " + search.group(2) + ", not " + index);
                }
            } else if (TABLE_READ.matcher(d).find() && !d.startsWith("SCAN s")) {
                problems.add("reads all of " + d.substring("SCAN ".length()));
            } else if (d.startsWith("USE TEMP B-TREE FOR")) {
                boolean atTop = step.parent() == 0 || isCompoundTop(byId, step);
                if (!(fromLimitedSubqueries && atTop)) {
                    problems.add("sorts everything it read (" + d + ")");
                }
            }
        }
        if (rangeReads == 0) {
            problems.add("reads no range of " + index);
        }
        if (!statement.sql().contains("LIMIT")) {
            problems.add("has no limit");
        }
        if (!problems.isEmpty()) {
            StringBuilder shown = new StringBuilder();
            plan.forEach(s -> shown.append(s.id()).append(" <- ").append(s.parent()).append(": ").append(s.detail())
                    .append('\n'));
            throw new AssertionError(String.join("; ", problems) + " in the plan:\n" + shown);
        }
    }

    /** A sort directly under the compound (union) step sorts the merged, already limited branches. */
    private static boolean isCompoundTop(Map<Integer, Step> byId, Step step) {
        Step parent = byId.get(step.parent());
        return parent != null && parent.detail().startsWith("COMPOUND") && parent.parent() == 0;
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
