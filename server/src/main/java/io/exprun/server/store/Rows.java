package io.exprun.server.store;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Rows ↔ domain records: the column lists every select of runs or results starts with, Jdbi's mappers for them, and
 * the one place that knows how a lifecycle is stored (status, error message and details, cancel reason). Times are
 * epoch milliseconds in BIGINT columns.
 */
final class Rows {

    /** The SQL list of the statuses the domain calls active (cancellable), e.g. {@code ('pending','queued','running')}. */
    static final String ACTIVE = statusList(false);
    /** The SQL list of the terminal statuses: the rest. */
    static final String TERMINAL = statusList(true);

    static final String RUN_COLUMNS = "id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, "
            + "block_type, n_consensus, trigger_type, status, error_message, error_details, cancel_reason, created_at, "
            + "started_at, completed_at, block_execution_fingerprint, documents_fingerprint, document_count, "
            + "completed_document_count, error_count, row_version";
    /** Prefixed with the alias of the results view, {@code r}. */
    static final String RESULT_COLUMNS = "r.id, r.tenant, r.run_id, r.seq, r.experiment_id, r.document_id, "
            + "r.document_filename, r.document_mime_type, r.block_type, r.status, r.error_message, r.error_details, "
            + "r.cancel_reason, r.created_at, r.started_at, r.completed_at, r.attempt, r.output_json, r.row_version";

    /**
     * The time a transition of a run (or of one of its results) stamps: the writer's clock ({@code :now}), but never
     * earlier than the latest time the run already holds (migration V10). Evaluated after the run's row is locked, so
     * a transition that waited for another's commit is stamped after it: a row's times follow its commit order
     * whatever any clock does. Set {@code last_transition_at} to the same expression in the same statement.
     */
    static final String STAMP = "GREATEST(:now, last_transition_at)";

    /**
     * Every read of results goes through the view {@code results_view} (migration V4), which states the
     * derived-cancel rule once, in SQL: a result still unfinished in a cancelled run reads cancelled, with the run's
     * reason and time.
     */
    static final String RESULT_SELECT = "SELECT " + RESULT_COLUMNS + " FROM results_view r";

    private final StoredForms forms;
    final RowMapper<Run> run = this::run;
    final RowMapper<Result> result = this::result;

    Rows(StoredForms forms) {
        this.forms = forms;
    }

    private static String statusList(boolean terminal) {
        return Arrays.stream(LifecycleStatus.values())
                .filter(s -> s.isTerminal() == terminal)
                .map(s -> "'" + s.wire() + "'")
                .collect(Collectors.joining(",", "(", ")"));
    }

    private Run run(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ignored) throws SQLException {
        return new Run(
                rs.getString("id"),
                rs.getString("tenant"),
                rs.getString("experiment_id"),
                rs.getString("workflow_id"),
                rs.getString("workflow_version_id"),
                rs.getString("block_id"),
                rs.getString("block_type"),
                rs.getInt("n_consensus"),
                rs.getString("trigger_type"),
                lifecycle(rs),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                rs.getString("block_execution_fingerprint"),
                rs.getString("documents_fingerprint"),
                rs.getInt("document_count"),
                rs.getInt("completed_document_count"),
                rs.getInt("error_count"),
                rs.getLong("row_version"));
    }

    private Result result(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ignored) throws SQLException {
        return new Result(
                rs.getString("id"),
                rs.getString("tenant"),
                rs.getString("run_id"),
                rs.getString("experiment_id"),
                new Experiment.Document(
                        rs.getString("document_id"),
                        rs.getString("document_filename"),
                        rs.getString("document_mime_type")),
                rs.getString("block_type"),
                lifecycle(rs),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                rs.getInt("attempt"),
                rs.getString("output_json"),
                rs.getLong("row_version"));
    }

    private Lifecycle lifecycle(ResultSet rs) throws SQLException {
        LifecycleStatus status = LifecycleStatus.parse(rs.getString("status"));
        return switch (status) {
            case ERROR -> Lifecycle.error(rs.getString("error_message"), fromJson(rs.getString("error_details")));
            case CANCELLED -> Lifecycle.cancelled(rs.getString("cancel_reason"));
            default -> Lifecycle.of(status);
        };
    }

    String toJson(ErrorInfo details) {
        if (details == null) {
            return null;
        }
        return forms.write(details);
    }

    ErrorInfo fromJson(String text) {
        if (text == null) {
            return null;
        }
        return forms.read(text, ErrorInfo.class);
    }

    /** Epoch milliseconds, null as null. */
    static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
