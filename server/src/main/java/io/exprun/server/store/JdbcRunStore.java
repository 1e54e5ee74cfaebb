package io.exprun.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.Lifecycle;
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
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@link RunStore} over JDBC. The SQL is deliberately plain (no RETURNING, no SKIP LOCKED, no upserts) so the
 * same statements run on H2 and PostgreSQL. Lock order is always run row first, then result rows: cancel and
 * the workers can never deadlock on each other.
 */
public final class JdbcRunStore implements RunStore {

    private static final String ACTIVE = "('pending','queued','running')";
    private static final String RUN_COLUMNS = "id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, "
            + "block_type, n_consensus, trigger_type, status, error_message, error_details, cancel_reason, created_at, "
            + "started_at, completed_at, block_execution_fingerprint, documents_fingerprint, document_count, "
            + "completed_document_count, error_count";
    private static final String RESULT_COLUMNS = "id, tenant, run_id, seq, experiment_id, document_id, document_filename, "
            + "document_mime_type, block_type, status, error_message, error_details, cancel_reason, created_at, "
            + "started_at, completed_at, attempt, output_json";

    /**
     * Results are read joined to their run: a result still pending, queued or running in a cancelled run IS cancelled
     * (with the run's reason and time). Cancel thus stays one single-row update however many results a run has, and
     * is still atomic for every reader: the moment the run's row commits, all its unfinished results read cancelled.
     */
    private static final String RESULT_SELECT = "SELECT r.id, r.tenant, r.run_id, r.seq, r.experiment_id, r.document_id, "
            + "r.document_filename, r.document_mime_type, r.block_type, "
            + "CASE WHEN u.status = 'cancelled' AND r.status IN " + ACTIVE + " THEN 'cancelled' ELSE r.status END AS status, "
            + "r.error_message, r.error_details, "
            + "CASE WHEN u.status = 'cancelled' AND r.status IN " + ACTIVE + " THEN u.cancel_reason ELSE r.cancel_reason END AS cancel_reason, "
            + "r.created_at, r.started_at, "
            + "CASE WHEN u.status = 'cancelled' AND r.status IN " + ACTIVE + " THEN u.completed_at ELSE r.completed_at END AS completed_at, "
            + "r.attempt, r.output_json FROM results r JOIN runs u ON u.id = r.run_id";

    private final DataSource dataSource;
    private final ObjectMapper json;

    private final boolean groupCancels;

    /** With cancels group-committed (see {@link #cancels}). */
    public JdbcRunStore(DataSource dataSource, ObjectMapper json) {
        this(dataSource, json, true);
    }

    /** {@code groupCancels}: whether concurrent cancels share transactions; see {@link #groupCancelsByDefault}. */
    public JdbcRunStore(DataSource dataSource, ObjectMapper json, boolean groupCancels) {
        this.dataSource = dataSource;
        this.json = json;
        this.groupCancels = groupCancels;
    }

    /**
     * Whether group commit pays, per database (measured in BENCHMARKS.md): on H2 every durable commit is a serialized
     * file write, so sharing one between cancels pays; PostgreSQL already groups concurrent WAL flushes itself
     * (synchronous_commit=on). The internal system property {@code exprun.groupCommit} (on/off) overrides it, for
     * measuring both ways.
     */
    public static boolean groupCancelsByDefault(boolean embeddedH2) {
        String forced = System.getProperty("exprun.groupCommit", "").trim();
        if (forced.equalsIgnoreCase("on")) {
            return true;
        }
        if (forced.equalsIgnoreCase("off")) {
            return false;
        }
        return embeddedH2 || GROUP_COMMIT_ON_POSTGRES;
    }

    /** Decided by measurement: see BENCHMARKS.md, "Group commit per database". */
    private static final boolean GROUP_COMMIT_ON_POSTGRES = true;

    // ---- API side -------------------------------------------------------------------------------

    @Override
    public void insertRun(Run run, List<Result> results) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 0;
                ps.setString(++i, run.id());
                ps.setString(++i, run.tenant());
                ps.setString(++i, run.experimentId());
                ps.setString(++i, run.workflowId());
                ps.setString(++i, run.workflowVersionId());
                ps.setString(++i, run.blockId());
                ps.setString(++i, run.blockType());
                ps.setInt(++i, run.nConsensus());
                ps.setString(++i, run.triggerType());
                i = setLifecycle(ps, i, run.lifecycle());
                setMillis(ps, ++i, run.createdAt());
                setMillis(ps, ++i, run.startedAt());
                setMillis(ps, ++i, run.completedAt());
                ps.setString(++i, run.blockExecutionFingerprint());
                ps.setString(++i, run.documentsFingerprint());
                ps.setInt(++i, run.documentCount());
                ps.setInt(++i, run.completedDocumentCount());
                ps.setInt(++i, run.errorCount());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO results (" + RESULT_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int seq = 0;
                for (Result r : results) {
                    int i = 0;
                    ps.setString(++i, r.id());
                    ps.setString(++i, r.tenant());
                    ps.setString(++i, r.runId());
                    ps.setInt(++i, seq++);
                    ps.setString(++i, r.experimentId());
                    ps.setString(++i, r.document().id());
                    ps.setString(++i, r.document().filename());
                    ps.setString(++i, r.document().mimeType());
                    ps.setString(++i, r.blockType());
                    i = setLifecycle(ps, i, r.lifecycle());
                    setMillis(ps, ++i, r.createdAt());
                    setMillis(ps, ++i, r.startedAt());
                    setMillis(ps, ++i, r.completedAt());
                    ps.setInt(++i, r.attempt());
                    ps.setString(++i, r.outputJson());
                    ps.addBatch();
                    if (seq % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Optional<Run> findRun(String tenant, String runId) {
        return withConnection(c -> selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND tenant = ?",
                runId, tenant));
    }

    @Override
    public Page<Run> listRuns(String tenant, RunQuery q) {
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
                    q.page(), tenant, this::mapRun);
        });
    }

    @Override
    public Optional<Result> findResult(String tenant, String resultId) {
        return withConnection(c -> selectResult(c, RESULT_SELECT + " WHERE r.id = ? AND r.tenant = ?", resultId, tenant));
    }

    @Override
    public Page<Result> listResults(String tenant, String runId, PageRequest pageRequest) {
        return withConnection(c -> page(c, RESULT_SELECT, "results", "seq", "r.", " WHERE r.tenant = ? AND r.run_id = ?",
                List.of(tenant, runId), pageRequest, tenant, this::mapResult));
    }

    @Override
    public Optional<Run> cancelRun(String tenant, String runId, String reason, Instant now) {
        CancelRequest request = new CancelRequest(tenant, runId, reason, now);
        return groupCancels ? cancels.submit(request) : inTransaction(c -> cancelIn(c, request));
    }

    record CancelRequest(String tenant, String runId, String reason, Instant now) {
    }

    /**
     * One cancel inside a (possibly shared) transaction: the conditional single-row update, then the row as it now is.
     * Its unfinished results are cancelled by this same row: see RESULT_SELECT.
     */
    private Optional<Run> cancelIn(Connection c, CancelRequest r) throws SQLException {
        int runs = update(c, "UPDATE runs SET status = 'cancelled', cancel_reason = ?, completed_at = ?, "
                + "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND tenant = ? AND status IN " + ACTIVE,
                r.reason(), r.now().toEpochMilli(), r.runId(), r.tenant());
        if (runs == 0) {
            return Optional.empty();
        }
        return selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", r.runId());
    }

    /**
     * Group commit for cancels. A durable commit is the cost of a cancel (H2 writes each one before answering, and
     * serializes those writes), so cancels arriving together share one transaction and one commit: the first caller
     * becomes the leader and commits everything queued behind it, batch after batch, while the others wait for
     * their own outcome. Each cancel is still its own conditional update, so two cancels of one run in one batch
     * still give exactly one winner. A batch locks its runs in run-id order, whatever order the cancels arrived in,
     * so two instances batching the same runs cannot deadlock on PostgreSQL. If a shared transaction fails because
     * the database is unavailable, all its cancels get that answer (503) at once; if a statement failed, each cancel
     * is retried on its own, so one bad request cannot fail its neighbours. Fairness: see {@link GroupCommit}.
     */
    private final GroupCommit<CancelRequest, Optional<Run>> cancels = new GroupCommit<>(64) {
        @Override
        protected List<Optional<Run>> inOneTransaction(List<CancelRequest> batch) {
            return cancelBatch(batch);
        }

        @Override
        protected Optional<Run> alone(CancelRequest r) {
            return inTransaction(c -> cancelIn(c, r));
        }

        @Override
        protected boolean unavailable(RuntimeException failure) {
            return failure instanceof StoreException s && s.unavailable();
        }
    };

    /**
     * Cancels in one transaction, locking their runs in run-id order whatever order they arrived in (two instances
     * batching the same runs then take the locks in the same order: no deadlock); outcomes in request order.
     */
    List<Optional<Run>> cancelBatch(List<CancelRequest> batch) {
        Integer[] lockOrder = new Integer[batch.size()];
        for (int i = 0; i < lockOrder.length; i++) {
            lockOrder[i] = i;
        }
        java.util.Arrays.sort(lockOrder, (a, b) -> batch.get(a).runId().compareTo(batch.get(b).runId()));
        return inTransaction(c -> {
            List<Optional<Run>> out = new ArrayList<>(Collections.nCopies(batch.size(), Optional.<Run>empty()));
            for (int i : lockOrder) {
                out.set(i, cancelIn(c, batch.get(i)));
            }
            return out;
        });
    }

    // ---- worker side ----------------------------------------------------------------------------

    @Override
    public List<String> runIdsIn(LifecycleStatus status, int limit) {
        return withConnection(c -> ids(c, "SELECT id FROM runs WHERE status = ? ORDER BY created_at, id", limit,
                status.wire()));
    }

    @Override
    public boolean enqueue(String runId) {
        return withConnection(c -> update(c, "UPDATE runs SET status = 'queued' WHERE id = ? AND status = 'pending'",
                runId) == 1);
    }

    @Override
    public List<String> claimableRunIds(Instant now, int limit) {
        return withConnection(c -> ids(c, "SELECT id FROM runs WHERE status = 'queued' "
                + "OR (status = 'running' AND lease_expires_at < ?) ORDER BY created_at, id", limit, now.toEpochMilli()));
    }

    @Override
    public Optional<Run> claimRun(String runId, String owner, Instant now, Instant leaseUntil) {
        return inTransaction(c -> {
            long at = now.toEpochMilli();
            int fresh = update(c, "UPDATE runs SET status = 'running', started_at = ?, lease_owner = ?, "
                    + "lease_expires_at = ? WHERE id = ? AND status = 'queued'", at, owner, leaseUntil.toEpochMilli(), runId);
            if (fresh == 1) {
                return selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", runId);
            }
            int takenOver = update(c, "UPDATE runs SET lease_owner = ?, lease_expires_at = ? "
                    + "WHERE id = ? AND status = 'running' AND lease_expires_at < ?", owner, leaseUntil.toEpochMilli(), runId, at);
            if (takenOver == 0) {
                return Optional.empty();
            }
            // the previous owner died mid-document: that document runs again, as a new attempt
            update(c, "UPDATE results SET status = 'pending', started_at = NULL, attempt = attempt + 1 "
                    + "WHERE run_id = ? AND status = 'running'", runId);
            return selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", runId);
        });
    }

    @Override
    public boolean renewLease(String runId, String owner, Instant leaseUntil) {
        return withConnection(c -> update(c, "UPDATE runs SET lease_expires_at = ? "
                + "WHERE id = ? AND status = 'running' AND lease_owner = ?", leaseUntil.toEpochMilli(), runId, owner) == 1);
    }

    @Override
    public Optional<Result> startNextResult(String runId, String owner, Instant now, Instant leaseUntil) {
        return inTransaction(c -> {
            // lock the run row first (lock order run → results), renewing the lease on the way
            if (update(c, "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
                    leaseUntil.toEpochMilli(), runId, owner) == 0) {
                return Optional.empty();
            }
            List<String> next = ids(c, "SELECT id FROM results WHERE run_id = ? AND status = 'pending' ORDER BY seq", 1,
                    runId);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            update(c, "UPDATE results SET status = 'running', started_at = ? WHERE id = ? AND status = 'pending'",
                    now.toEpochMilli(), next.get(0));
            return selectResult(c, RESULT_SELECT + " WHERE r.id = ?", next.get(0));
        });
    }

    @Override
    public boolean completeResult(String runId, String resultId, String owner, String outputJson, Instant now) {
        return finishResult(runId, resultId, owner, "completed_document_count = completed_document_count + 1",
                "status = 'completed', output_json = ?, completed_at = ?", outputJson, now.toEpochMilli(), resultId);
    }

    @Override
    public boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details, Instant now) {
        return finishResult(runId, resultId, owner, "error_count = error_count + 1",
                "status = 'error', error_message = ?, error_details = ?, completed_at = ?", message, toJson(details),
                now.toEpochMilli(), resultId);
    }

    private boolean finishResult(String runId, String resultId, String owner, String runCounter, String resultSet,
                                 Object... resultArgs) {
        return inTransaction(c -> {
            if (update(c, "UPDATE runs SET " + runCounter + " WHERE id = ? AND status = 'running' AND lease_owner = ?",
                    runId, owner) == 0) {
                c.rollback();
                return false;
            }
            if (update(c, "UPDATE results SET " + resultSet + " WHERE id = ? AND status = 'running'", resultArgs) == 0) {
                c.rollback(); // the counter must not move for an outcome that was not recorded
                return false;
            }
            return true;
        });
    }

    @Override
    public boolean finishRun(String runId, String owner, Lifecycle outcome, Instant now) {
        return inTransaction(c -> {
            Object[] args = {outcome.status().wire(), outcome.message(), toJson(outcome.details()), now.toEpochMilli(),
                    runId, owner, runId};
            return update(c, "UPDATE runs SET status = ?, error_message = ?, error_details = ?, completed_at = ?, "
                    + "lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE id = ? AND status = 'running' AND lease_owner = ? "
                    + "AND NOT EXISTS (SELECT 1 FROM results WHERE run_id = ? AND status IN " + ACTIVE + ")", args) == 1;
        });
    }

    @Override
    public java.util.Map<LifecycleStatus, Long> countRunsByStatus() {
        return withConnection(c -> {
            java.util.Map<LifecycleStatus, Long> counts = new java.util.EnumMap<>(LifecycleStatus.class);
            try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM runs GROUP BY status");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(LifecycleStatus.parse(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    @Override
    public Optional<LifecycleStatus> statusOf(String runId) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM runs WHERE id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(LifecycleStatus.parse(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public int requeueInterrupted() {
        return inTransaction(c -> {
            update(c, "UPDATE results SET status = 'pending', started_at = NULL, attempt = attempt + 1 "
                    + "WHERE status = 'running' AND run_id IN (SELECT id FROM runs WHERE status = 'running')");
            return update(c, "UPDATE runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE status = 'running'");
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

    // ---- mapping --------------------------------------------------------------------------------

    private Run mapRun(ResultSet rs) throws SQLException {
        return new Run(rs.getString("id"), rs.getString("tenant"), rs.getString("experiment_id"),
                rs.getString("workflow_id"), rs.getString("workflow_version_id"), rs.getString("block_id"),
                rs.getString("block_type"), rs.getInt("n_consensus"), rs.getString("trigger_type"), lifecycle(rs),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "completed_at"),
                rs.getString("block_execution_fingerprint"), rs.getString("documents_fingerprint"),
                rs.getInt("document_count"), rs.getInt("completed_document_count"), rs.getInt("error_count"));
    }

    private Result mapResult(ResultSet rs) throws SQLException {
        return new Result(rs.getString("id"), rs.getString("tenant"), rs.getString("run_id"),
                rs.getString("experiment_id"),
                new Experiment.Document(rs.getString("document_id"), rs.getString("document_filename"),
                        rs.getString("document_mime_type")),
                rs.getString("block_type"), lifecycle(rs), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "completed_at"), rs.getInt("attempt"), rs.getString("output_json"));
    }

    private Lifecycle lifecycle(ResultSet rs) throws SQLException {
        LifecycleStatus status = LifecycleStatus.parse(rs.getString("status"));
        return switch (status) {
            case ERROR -> Lifecycle.error(rs.getString("error_message"), fromJson(rs.getString("error_details")));
            case CANCELLED -> Lifecycle.cancelled(rs.getString("cancel_reason"));
            default -> Lifecycle.of(status);
        };
    }

    private int setLifecycle(PreparedStatement ps, int i, Lifecycle l) throws SQLException {
        ps.setString(++i, l.status().wire());
        ps.setString(++i, l.message());
        ps.setString(++i, toJson(l.details()));
        ps.setString(++i, l.reason());
        return i;
    }

    private String toJson(ErrorInfo details) {
        if (details == null) {
            return null;
        }
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store error details", e);
        }
    }

    private ErrorInfo fromJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, ErrorInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored error details are not valid JSON", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static long startOfDay(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    // ---- JDBC plumbing --------------------------------------------------------------------------

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** A connection, or the store is unavailable: failing to get one is never the statement's fault. */
    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw StoreException.unavailable(e);
        }
    }

    private <T> T withConnection(SqlWork<T> work) {
        try (Connection c = connect()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private Optional<Run> selectRun(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapRun(rs)) : Optional.empty();
            }
        }
    }

    private Optional<Result> selectResult(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapResult(rs)) : Optional.empty();
            }
        }
    }

    private static List<String> ids(Connection c, String sql, int limit, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.setMaxRows(limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void eq(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, a.toString());
            }
        }
    }
}
