package io.exprun.server.store;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's reads: one run or result, and lists of them with keyset paging. Results are read through the view
 * {@code results_view} (migration V4), which owns the derived-cancel rule.
 */
final class RunReads extends JdbcSupport {

    RunReads(DataSource dataSource, RowMapping rows) {
        super(dataSource, rows);
    }

    /** Tenant-free: for the workers. */
    Optional<Run> run(String runId) {
        return withConnection(c -> selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", runId));
    }

    Optional<Run> findRun(String tenant, String runId) {
        return withConnection(c -> selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND tenant = ?",
                runId, tenant));
    }

    Page<Run> listRuns(String tenant, RunQuery q) {
        return withConnection(c -> {
            String cursorId = cursorId(q.page());
            Optional<Long> createdAt = cursorId == null ? Optional.empty() : sortKey(c, "runs", "created_at", cursorId,
                    tenant);
            if (cursorId != null && createdAt.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            return page(c, ListSql.runs(tenant, q, createdAt.orElse(null)), q.page(), rows::mapRun);
        });
    }

    Optional<Result> findResult(String tenant, String resultId) {
        return withConnection(c -> selectResult(c, RESULT_SELECT + " WHERE r.id = ? AND r.tenant = ?", resultId, tenant));
    }

    Page<Result> listResults(String tenant, String runId, PageRequest pageRequest) {
        return withConnection(c -> {
            String cursorId = cursorId(pageRequest);
            Optional<Long> seq = cursorId == null ? Optional.empty() : sortKey(c, "results", "seq", cursorId, tenant);
            if (cursorId != null && seq.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            return page(c, ListSql.results(tenant, runId, pageRequest, seq.map(Long::intValue).orElse(null)),
                    pageRequest, rows::mapResult);
        });
    }

    Map<LifecycleStatus, Long> countRunsByStatus() {
        return withConnection(c -> {
            Map<LifecycleStatus, Long> counts = new EnumMap<>(LifecycleStatus.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM runs GROUP BY status");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(LifecycleStatus.parse(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    // ---- pagination -------------------------------------------------------------------------------

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static String cursorId(PageRequest p) {
        return p.after() != null ? p.after() : p.before();
    }

    /** The sort key of the row a cursor names, if the tenant has it. */
    private static Optional<Long> sortKey(Connection c, String table, String sortColumn, String id, String tenant)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sortColumn + " FROM " + table
                + " WHERE id = ? AND tenant = ?")) {
            bind(ps, id, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Runs one page's statement (keyset paging, see {@link ListSql}). {@code after} continues in the requested order
     * past the cursor; {@code before} returns the items just before the cursor, still presented in the requested
     * order. The statement reads one row more than the page to tell whether there are more.
     */
    private <T> Page<T> page(Connection c, ListSql.Statement statement, PageRequest p, RowMapper<T> mapper)
            throws SQLException {
        String cursorId = cursorId(p);
        boolean forward = p.before() == null;
        List<T> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
            bind(ps, statement.args().toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                    ids.add(rs.getString("id"));
                }
            }
        }
        boolean more = rows.size() > p.limit();
        if (more) {
            rows.remove(rows.size() - 1);
            ids.remove(ids.size() - 1);
        }
        if (!forward) {
            Collections.reverse(rows);
            Collections.reverse(ids);
        }
        if (rows.isEmpty()) {
            return new Page<>(rows, null, null);
        }
        String first = ids.get(0);
        String last = ids.get(ids.size() - 1);
        // forward: items exist before this page iff we came from a cursor; after it iff the scan found more.
        String before = forward ? (cursorId != null ? first : null) : (more ? first : null);
        String after = forward ? (more ? last : null) : last;
        return new Page<>(rows, before, after);
    }

}
