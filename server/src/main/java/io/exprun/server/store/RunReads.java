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
import java.time.LocalDate;
import java.time.ZoneOffset;
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
            StringBuilder where = new StringBuilder(" WHERE tenant = ?");
            List<Object> args = new ArrayList<>();
            args.add(tenant);
            eq(where, args, "workflow_id", q.workflowId());
            eq(where, args, "experiment_id", q.experimentId());
            eq(where, args, "block_id", q.blockId());
            eq(where, args, "trigger_type", q.triggerType());
            if (q.status() != null) {
                eq(where, args, "status", q.status().wire());
            }
            if (q.excludeStatus() != null) {
                where.append(" AND status <> ?");
                args.add(q.excludeStatus().wire());
            }
            if (q.fromDate() != null) {
                where.append(" AND created_at >= ?");
                args.add(startOfDay(q.fromDate()));
            }
            if (q.toDate() != null) {
                where.append(" AND created_at < ?");
                args.add(startOfDay(q.toDate().plusDays(1)));
            }
            return page(c, "SELECT " + RUN_COLUMNS + " FROM runs", "runs", "created_at", "", where.toString(), args,
                    q.page(), tenant, rows::mapRun);
        });
    }

    Optional<Result> findResult(String tenant, String resultId) {
        return withConnection(c -> selectResult(c, RESULT_SELECT + " WHERE r.id = ? AND r.tenant = ?", resultId, tenant));
    }

    Page<Result> listResults(String tenant, String runId, PageRequest pageRequest) {
        return withConnection(c -> page(c, RESULT_SELECT, "results", "seq", "r.", " WHERE r.tenant = ? AND r.run_id = ?",
                List.of(tenant, runId), pageRequest, tenant, rows::mapResult));
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

    /**
     * Keyset pagination on (sortColumn, id). {@code after} continues in the requested order past the cursor;
     * {@code before} returns the items just before the cursor, still presented in the requested order.
     */
    private <T> Page<T> page(Connection c, String selectFrom, String table, String sortColumn, String alias, String where,
                             List<Object> whereArgs, PageRequest p, String tenant, RowMapper<T> mapper) throws SQLException {
        String cursorId = p.after() != null ? p.after() : p.before();
        boolean forward = p.before() == null;
        boolean scanDescending = p.descending() == forward;
        StringBuilder sql = new StringBuilder(selectFrom).append(where);
        String sort = alias + sortColumn;
        String id = alias + "id";
        List<Object> args = new ArrayList<>(whereArgs);
        if (cursorId != null) {
            Optional<Long> cursorKey = sortKey(c, table, sortColumn, cursorId, tenant);
            if (cursorKey.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            String cmp = scanDescending ? "<" : ">";
            sql.append(" AND (").append(sort).append(' ').append(cmp).append(" ? OR (").append(sort)
                    .append(" = ? AND ").append(id).append(' ').append(cmp).append(" ?))");
            args.add(cursorKey.get());
            args.add(cursorKey.get());
            args.add(cursorId);
        }
        String dir = scanDescending ? " DESC" : " ASC";
        sql.append(" ORDER BY ").append(sort).append(dir).append(", ").append(id).append(dir);
        List<T> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args.toArray());
            ps.setMaxRows(p.limit() + 1);
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

    private Optional<Long> sortKey(Connection c, String table, String sortColumn, String id, String tenant)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sortColumn + " FROM " + table
                + " WHERE id = ? AND tenant = ?")) {
            bind(ps, id, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static void eq(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static long startOfDay(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
