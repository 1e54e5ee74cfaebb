package io.exprun.server.store;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A run's life after its creation, one conditional update at a time: a result starts, completes or fails, the run
 * finishes. Every write takes the run's row first (lock order run → results, as cancel does), and every time is
 * the database's at that moment ({@link #DB_NOW}): a cancel committed before a worker's write always carries the
 * earlier time, and a result never completes before it started.
 */
final class RunTransitions extends JdbcSupport {

    RunTransitions(DataSource dataSource, RowMapping rows) {
        super(dataSource, rows);
    }

    void insertRun(Run run, List<Result> results) {
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
                i = rows.setLifecycle(ps, i, run.lifecycle());
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
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO results (id, tenant, run_id, seq, "
                    + "experiment_id, document_id, document_filename, document_mime_type, block_type, status, "
                    + "created_at, attempt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
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
                    ps.setString(++i, r.lifecycle().status().wire());
                    setMillis(ps, ++i, r.createdAt());
                    ps.setInt(++i, r.attempt());
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

    Optional<Result> startNextResult(String runId, String owner, Duration lease) {
        return inTransaction(c -> {
            // lock the run row first (lock order run → results), renewing the lease on the way
            if (update(c, "UPDATE runs SET lease_expires_at = " + DB_NOW + " + ? "
                    + "WHERE id = ? AND status = 'running' AND lease_owner = ?", lease.toMillis(), runId, owner) == 0) {
                return Optional.empty();
            }
            List<String> next = ids(c, "SELECT id FROM results WHERE run_id = ? AND status = 'pending' ORDER BY seq", 1,
                    runId);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            update(c, "UPDATE results SET status = 'running', started_at = " + DB_NOW + " WHERE id = ? "
                    + "AND status = 'pending'", next.get(0));
            return selectResult(c, RESULT_SELECT + " WHERE r.id = ?", next.get(0));
        });
    }

    boolean completeResult(String runId, String resultId, String owner, String outputJson) {
        return finishResult(runId, owner, "completed_document_count = completed_document_count + 1", new Object[0],
                resultId, "status = 'completed', output_json = ?", outputJson);
    }

    /** Also keeps the run's first failure with the run: the run's error must not depend on one worker's memory. */
    boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details) {
        String stored = rows.toJson(details);
        return finishResult(runId, owner, "error_count = error_count + 1, first_failure = COALESCE(first_failure, ?)",
                new Object[]{stored}, resultId, "status = 'error', error_message = ?, error_details = ?", message,
                stored);
    }

    /**
     * The run's counter and the result's outcome together, or neither. completed_at is never before started_at,
     * even if the database's clock steps back (GREATEST), so no duration is ever negative.
     */
    private boolean finishResult(String runId, String owner, String runSet, Object[] runArgs, String resultId,
                                 String resultSet, Object... resultArgs) {
        return inTransaction(c -> {
            Object[] runWhere = concat(runArgs, runId, owner);
            if (update(c, "UPDATE runs SET " + runSet + " WHERE id = ? AND status = 'running' AND lease_owner = ?",
                    runWhere) == 0) {
                c.rollback();
                return false;
            }
            if (update(c, "UPDATE results SET " + resultSet + ", completed_at = GREATEST(" + DB_NOW
                    + ", started_at) WHERE id = ? AND run_id = ? AND status = 'running'",
                    concat(resultArgs, resultId, runId)) == 0) {
                c.rollback(); // the counter must not move for an outcome that was not recorded
                return false;
            }
            return true;
        });
    }

    Optional<ErrorInfo> firstFailure(String runId) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT first_failure FROM runs WHERE id = ?")) {
                bind(ps, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rows.fromJson(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    boolean finishRun(String runId, String owner, Lifecycle outcome) {
        return inTransaction(c -> update(c, "UPDATE runs SET status = ?, error_message = ?, error_details = ?, "
                        + "completed_at = GREATEST(" + DB_NOW + ", started_at), lease_owner = NULL, lease_expires_at = NULL "
                        + "WHERE id = ? AND status = 'running' AND lease_owner = ? "
                        + "AND NOT EXISTS (SELECT 1 FROM results WHERE run_id = ? AND status IN " + ACTIVE + ")",
                outcome.status().wire(), outcome.message(), rows.toJson(outcome.details()), runId, owner, runId) == 1);
    }

    private static Object[] concat(Object[] first, Object... then) {
        Object[] all = new Object[first.length + then.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }

}
