package io.exprun.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.config.Limits;
import io.exprun.server.testing.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The list plans on PostgreSQL (embedded 17, or EXPRUN_TEST_PG_URL), read from {@code EXPLAIN (FORMAT JSON)}: a tree
 * of nodes. A range of an index is bounded when a Limit sits between it and the nearest Sort above it (or the top);
 * below a Sort, only primary-key lookups (one row per row of the limited input) may be unlimited.
 */
class ListPlansOnPostgresTest extends ListPlansContractTest {

    private static final Set<String> SORTS = Set.of("Sort", "Incremental Sort");
    private static final Set<String> TABLES = Set.of("runs", "results");

    @Override
    Database freshDatabase() {
        Postgres.Db db = Postgres.freshDatabase();
        return Database.open(db.url(), db.user(), db.password(), 2, Limits.DEFAULTS, false);
    }

    @Override
    void assertReadsInOrderFrom(Connection c, ListSql.Statement statement, String index) throws SQLException {
        JsonNode plan = explain(c, statement);
        List<String> problems = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        check(plan, false, problems, ranges);
        if (ranges.isEmpty()) {
            problems.add("reads no range of " + index);
        }
        ranges.stream()
                .filter(name -> !name.equals(index))
                .forEach(name -> problems.add("reads the index " + name + ", not " + index));
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems) + " in the plan:\n" + plan.toPrettyString());
        }
    }

    /** @param limited a Limit is above this node with no Sort in between */
    private static void check(JsonNode node, boolean limited, List<String> problems, List<String> ranges) {
        String type = node.path("Node Type").asText();
        String table = node.path("Relation Name").asText();
        if (type.equals("Limit")) {
            limited = true;
        } else if (SORTS.contains(type)) {
            limited = false;
        }
        if (TABLES.contains(table)) {
            String indexName = node.path("Index Name").asText();
            boolean lookup = indexName.endsWith("_pkey");
            if (type.equals("Seq Scan")) {
                problems.add("scans the table " + table);
            } else if (type.equals("Bitmap Heap Scan")) {
                problems.add("reads " + table + " out of order (bitmap)");
            } else if (!node.has("Index Cond")) {
                problems.add("reads all of the index " + indexName);
            } else if (!lookup) {
                ranges.add(indexName);
                if (!limited) {
                    problems.add("reads a range of " + indexName + " with no limit before a sort or the result");
                }
            }
        }
        for (JsonNode child : node.path("Plans")) {
            check(child, limited, problems, ranges);
        }
    }

    private static JsonNode explain(Connection c, ListSql.Statement statement) throws SQLException {
        try (PreparedStatement ps = prepare(c, "EXPLAIN (FORMAT JSON) " + statement.sql(), statement);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
