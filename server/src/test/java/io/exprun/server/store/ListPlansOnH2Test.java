package io.exprun.server.store;

import io.exprun.server.config.Limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list plans on H2 2.3. H2's EXPLAIN is the statement annotated with comments: each table read names its index
 * and the conditions it seeks with ({@code PUBLIC.RUNS.tableScan} when none), and a select whose ORDER BY the index
 * delivers is marked {@code index sorted} ({@code index sorted: 1 of 3 columns} when only partly, i.e. the rest is
 * sorted after reading everything).
 */
class ListPlansOnH2Test extends ListPlansContractTest {

    /** An index comment: its name, then ':' and the seek conditions unless it reads the whole index or table. */
    private static final Pattern READ = Pattern.compile("/\\* PUBLIC\\.([A-Z0-9_]+)(\\.tableScan)?(:?)");
    private static final String SORTED = "/* index sorted */";

    @Override
    Database freshDatabase() {
        return Database.open("jdbc:h2:mem:listplans-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2,
                Limits.DEFAULTS, true);
    }

    @Override
    void assertReadsInOrderFrom(Connection c, ListSql.Statement statement, String index) throws SQLException {
        String plan = explain(c, statement);
        List<String> problems = new ArrayList<>();
        int rangeReads = 0;
        Matcher read = READ.matcher(plan);
        while (read.find()) {
            String name = read.group(1);
            if (read.group(2) != null) {
                problems.add("scans the table " + name);
            } else if (read.group(3).isEmpty()) {
                problems.add("reads all of the index " + name);
            } else if (!name.startsWith("PRIMARY_KEY")) {
                rangeReads++;
                if (!name.startsWith(index.toUpperCase(Locale.ROOT))) {
                    problems.add("reads the index " + name + ", not " + index);
                }
            }
        }
        if (rangeReads == 0) {
            problems.add("reads no range of " + index);
        }
        if (plan.contains("index sorted:")) {
            problems.add("sorts after reading: the index gives only part of the order");
        }
        if (count(plan, SORTED) < rangeReads) {
            problems.add("a range read is not in the order asked for, so all of it is read and sorted");
        }
        if (!plan.contains("FETCH FIRST")) {
            problems.add("has no limit");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems) + " in the plan:\n" + plan);
        }
    }

    private static String explain(Connection c, ListSql.Statement statement) throws SQLException {
        try (PreparedStatement ps = prepare(c, "EXPLAIN " + statement.sql(), statement);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
