package io.exprun.server.store;

import io.exprun.server.domain.ExperimentQuery;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.RunQuery;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the lists (runs, results, experiments), rendered without running it, so that {@code ListPlansContractTest}
 * can EXPLAIN exactly what the adapters execute.
 *
 * <p>Every statement reads one page from an index in the order asked for (migration V5 says which index serves which
 * shape) and stops after {@code limit + 1} rows; the limit is in the SQL so that the planner knows it. The text is
 * portable across SQLite and PostgreSQL: {@code LIMIT ?}, {@code ||}, derived tables with an alias.
 *
 * <p>The ORDER BY names the driving index's columns in full, equality-bound ones included: a no-op for the result that
 * leaves no planner in doubt that the index, read forwards or backwards, already gives the order asked for.
 *
 * <p>With several equality filters one of them drives, in the fixed order of {@link #equalities}; the others are written
 * as {@code COALESCE(col, '') = ?}, which no index can serve (a planner may simplify {@code col || ''} back to
 * {@code col}), so every database reads the driving filter's index and no other. Such a combination is not bounded by the page size: it
 * reads the driving filter's rows until a page of them matches the rest, and PostgreSQL, expecting few to match, may
 * read the driving range whole and sort it (the rows of one experiment, say, never the tenant's). The same holds for
 * {@code exclude_status} beside an equality filter, where it is a residual condition too. Every single filter, the
 * date range with or without one, and the cursors are bounded.
 */
final class ListSql {

    /** A statement and its bind arguments, in order. */
    record Statement(String sql, List<Object> args) {}

    /** A run filter that an index of V5 can drive. */
    private record Equality(String column, String value, boolean nullable) {}

    private ListSql() {}

    /**
     * @param cursorCreatedAt the creation time of the run named by the page's cursor; null without a cursor
     */
    static Statement runs(String tenant, RunQuery q, Long cursorCreatedAt) {
        PageRequest p = q.page();
        boolean descending = scansDescending(p);
        List<Equality> equalities = equalities(q);
        if (equalities.isEmpty() && q.excludeStatus() != null) {
            return everyStatusBut(tenant, q, cursorCreatedAt, descending);
        }
        List<Object> args = new ArrayList<>();
        String sql = runPage(tenant, q, equalities, cursorCreatedAt, descending, args);
        return new Statement(sql, args);
    }

    /**
     * Results are picked from the (run_id, seq) index, a page of ids in order, and only those rows are read through
     * {@code results_view}: a planner that evaluates the view as a whole before ordering it would otherwise read every
     * result of the run. {@code seq} is unique within a run, so it alone is the keyset.
     *
     * @param cursorSeq the seq of the result named by the page's cursor; null without a cursor
     */
    static Statement results(String tenant, String runId, PageRequest p, Integer cursorSeq) {
        boolean descending = scansDescending(p);
        String dir = descending ? " DESC" : " ASC";
        // bounded on seq on the first page too (seq counts from 0): without a range on seq, a planner may prefer an
        // index on (run_id) alone to (run_id, seq) and then sort every result of the run
        int past = cursorSeq != null ? cursorSeq : descending ? Integer.MAX_VALUE : -1;
        StringBuilder page = new StringBuilder("SELECT id FROM results WHERE tenant = ? AND run_id = ?")
                .append(descending ? " AND seq < ?" : " AND seq > ?");
        List<Object> args = new ArrayList<>(List.of(tenant, runId, past));
        page.append(" ORDER BY run_id").append(dir).append(", seq").append(dir).append(" LIMIT ?");
        args.add(p.limit() + 1);
        String sql = "SELECT " + Rows.RESULT_COLUMNS + " FROM (" + page + ") AS page_ids"
                + " JOIN results_view r ON r.id = page_ids.id ORDER BY r.run_id" + dir + ", r.seq" + dir;
        return new Statement(sql, args);
    }

    /**
     * A page scanned backwards from a {@code before} cursor is read in the opposite order and reversed afterwards.
     */
    static boolean scansDescending(PageRequest p) {
        return p.descending() == (p.before() == null);
    }

    /**
     * {@code exclude_status} alone: one ordered, limited read per remaining status from the status index, merged and
     * limited again. At most five times {@code limit + 1} rows are read, however many the excluded status has.
     */
    private static Statement everyStatusBut(String tenant, RunQuery q, Long cursorCreatedAt, boolean descending) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (LifecycleStatus s : LifecycleStatus.values()) {
            if (s == q.excludeStatus()) {
                continue;
            }
            List<Equality> byStatus = List.of(new Equality("status", s.wire(), false));
            sql.append(n == 0 ? "" : " UNION ALL ")
                    .append("SELECT * FROM (")
                    .append(runPage(tenant, q, byStatus, cursorCreatedAt, descending, args))
                    .append(") AS s")
                    .append(++n);
        }
        String dir = descending ? " DESC" : " ASC";
        sql.append(" ORDER BY created_at")
                .append(dir)
                .append(", id")
                .append(dir)
                .append(" LIMIT ?");
        args.add(q.page().limit() + 1);
        return new Statement(sql.toString(), args);
    }

    /** One ordered, limited read of runs, driven by the first of {@code equalities} if any. */
    private static String runPage(
            String tenant,
            RunQuery q,
            List<Equality> equalities,
            Long cursorCreatedAt,
            boolean descending,
            List<Object> args) {
        String dir = descending ? " DESC" : " ASC";
        StringBuilder sql =
                new StringBuilder("SELECT ").append(Rows.RUN_COLUMNS).append(" FROM runs WHERE tenant = ?");
        StringBuilder order = new StringBuilder(" ORDER BY tenant").append(dir);
        args.add(tenant);
        for (int i = 0; i < equalities.size(); i++) {
            Equality e = equalities.get(i);
            if (i == 0) {
                sql.append(" AND ").append(e.column()).append(" = ?");
                order.append(", ").append(e.column()).append(dir);
                args.add(e.value());
            } else {
                sql.append(" AND COALESCE(").append(e.column()).append(", '') = ?");
                args.add(e.value());
                if (e.nullable()) {
                    sql.append(" AND ").append(e.column()).append(" IS NOT NULL"); // '' must not match NULL
                }
            }
        }
        if (q.excludeStatus() != null) {
            sql.append(" AND status <> ?");
            args.add(q.excludeStatus().wire());
        }
        if (q.fromDate() != null) {
            sql.append(" AND created_at >= ?");
            args.add(startOfDay(q.fromDate()));
        }
        if (q.toDate() != null) {
            sql.append(" AND created_at < ?");
            args.add(startOfDay(q.toDate().plusDays(1)));
        }
        PageRequest p = q.page();
        String cursorId = p.after() != null ? p.after() : p.before();
        pastCursor(sql, args, "", cursorId, cursorCreatedAt, descending);
        order.append(", created_at").append(dir).append(", id").append(dir);
        args.add(p.limit() + 1);
        return sql.append(order).append(" LIMIT ?").toString();
    }

    /**
     * (created_at, id) past the cursor, spelled so that every engine reads it as a range of created_at (its first
     * inequality) and checks the rest only on rows with the cursor's own creation time. Nothing without a cursor.
     */
    private static void pastCursor(
            StringBuilder sql, List<Object> args, String alias, String cursorId, Long cursorCreatedAt, boolean desc) {
        if (cursorId == null) {
            return;
        }
        String past = desc ? "<" : ">";
        sql.append(" AND ")
                .append(alias)
                .append("created_at ")
                .append(past)
                .append("= ? AND (")
                .append(alias)
                .append("created_at ")
                .append(past)
                .append(" ? OR ")
                .append(alias)
                .append("id ")
                .append(past)
                .append(" ?)");
        args.add(cursorCreatedAt);
        args.add(cursorCreatedAt);
        args.add(cursorId);
    }

    /**
     * A page of a tenant's experiments (migration V7's indexes), as for runs: the first filter given drives its index,
     * the other is a residual condition; {@code columns} is the select list over the alias {@code e}.
     *
     * @param cursorCreatedAt the creation time of the experiment named by the page's cursor; null without a cursor
     */
    static Statement experiments(String columns, String tenant, ExperimentQuery q, Long cursorCreatedAt) {
        PageRequest p = q.page();
        boolean descending = scansDescending(p);
        String dir = descending ? " DESC" : " ASC";
        List<Object> args = new ArrayList<>(List.of(tenant));
        StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM experiments e WHERE e.tenant = ?");
        StringBuilder order = new StringBuilder(" ORDER BY e.tenant").append(dir);
        if (q.workflowId() != null) {
            sql.append(" AND e.workflow_id = ?");
            order.append(", e.workflow_id").append(dir);
            args.add(q.workflowId());
        }
        if (q.blockId() != null) {
            sql.append(q.workflowId() == null ? " AND e.block_id = ?" : " AND COALESCE(e.block_id, '') = ?");
            if (q.workflowId() == null) {
                order.append(", e.block_id").append(dir);
            }
            args.add(q.blockId());
        }
        pastCursor(sql, args, "e.", KeysetPage.cursorId(p), cursorCreatedAt, descending);
        order.append(", e.created_at").append(dir).append(", e.id").append(dir).append(" LIMIT ?");
        args.add(p.limit() + 1);
        return new Statement(sql.append(order).toString(), args);
    }

    /** The equality filters given, the one preferred to drive a read first: the most selective kind first. */
    private static List<Equality> equalities(RunQuery q) {
        List<Equality> all = new ArrayList<>();
        add(all, "experiment_id", q.experimentId(), false);
        add(all, "block_id", q.blockId(), false);
        add(all, "workflow_id", q.workflowId(), false);
        add(all, "status", q.status() == null ? null : q.status().wire(), false);
        add(all, "trigger_type", q.triggerType(), true);
        return all;
    }

    private static void add(List<Equality> all, String column, String value, boolean nullable) {
        if (value != null) {
            all.add(new Equality(column, value, nullable));
        }
    }

    private static long startOfDay(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
