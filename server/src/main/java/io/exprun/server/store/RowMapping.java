package io.exprun.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Rows ↔ domain records: the column lists, and the one place that knows how a lifecycle is stored.
 *
 * <p>Columns are read by their position in {@link #RUN_COLUMNS} / {@link #RESULT_COLUMNS}, looked up by name in
 * {@link ColumnList} (a constant string's hash is cached): reading by label costs a driver a label lookup per column
 * per row (H2's upper-cased label map was 8% of a get's CPU in the profile, BENCHMARKS.md). Every select of runs or
 * results starts with these lists, so the positions hold for all of them.
 */
final class RowMapping {

    /** The SQL list of the statuses the domain calls active (cancellable), e.g. {@code ('pending','queued','running')}. */
    static final String ACTIVE = sqlList(false);
    /** The SQL list of the terminal statuses: the rest. */
    static final String TERMINAL = sqlList(true);
    private static final ColumnList RUN = ColumnList.of("id", "tenant", "experiment_id", "workflow_id",
            "workflow_version_id", "block_id", "block_type", "n_consensus", "trigger_type", "status", "error_message",
            "error_details", "cancel_reason", "created_at", "started_at", "completed_at",
            "block_execution_fingerprint", "documents_fingerprint", "document_count", "completed_document_count",
            "error_count");
    private static final ColumnList RESULT = ColumnList.of("id", "tenant", "run_id", "seq", "experiment_id",
            "document_id", "document_filename", "document_mime_type", "block_type", "status", "error_message",
            "error_details", "cancel_reason", "created_at", "started_at", "completed_at", "attempt", "output_json");
    static final String RUN_COLUMNS = RUN.sql("");
    /** Prefixed with the alias of the results view, {@code r}. */
    static final String RESULT_COLUMNS = RESULT.sql("r.");
    private final ObjectMapper json;

    private static String sqlList(boolean terminal) {
        return java.util.Arrays.stream(LifecycleStatus.values()).filter(s -> s.isTerminal() == terminal)
                .map(s -> "'" + s.wire() + "'").collect(java.util.stream.Collectors.joining(",", "(", ")"));
    }

    RowMapping(ObjectMapper json) {
        this.json = json;
    }

    Run mapRun(ResultSet rs) throws SQLException {
        ColumnList c = RUN;
        return new Run(rs.getString(c.at("id")), rs.getString(c.at("tenant")), rs.getString(c.at("experiment_id")),
                rs.getString(c.at("workflow_id")), rs.getString(c.at("workflow_version_id")),
                rs.getString(c.at("block_id")), rs.getString(c.at("block_type")), rs.getInt(c.at("n_consensus")),
                rs.getString(c.at("trigger_type")), lifecycle(rs, c), instant(rs, c.at("created_at")),
                instant(rs, c.at("started_at")), instant(rs, c.at("completed_at")),
                rs.getString(c.at("block_execution_fingerprint")), rs.getString(c.at("documents_fingerprint")),
                rs.getInt(c.at("document_count")), rs.getInt(c.at("completed_document_count")),
                rs.getInt(c.at("error_count")));
    }

    Result mapResult(ResultSet rs) throws SQLException {
        ColumnList c = RESULT;
        return new Result(rs.getString(c.at("id")), rs.getString(c.at("tenant")), rs.getString(c.at("run_id")),
                rs.getString(c.at("experiment_id")),
                new Experiment.Document(rs.getString(c.at("document_id")), rs.getString(c.at("document_filename")),
                        rs.getString(c.at("document_mime_type"))),
                rs.getString(c.at("block_type")), lifecycle(rs, c), instant(rs, c.at("created_at")),
                instant(rs, c.at("started_at")), instant(rs, c.at("completed_at")), rs.getInt(c.at("attempt")),
                rs.getString(c.at("output_json")));
    }

    private Lifecycle lifecycle(ResultSet rs, ColumnList c) throws SQLException {
        LifecycleStatus status = LifecycleStatus.parse(rs.getString(c.at("status")));
        return switch (status) {
            case ERROR -> Lifecycle.error(rs.getString(c.at("error_message")),
                    fromJson(rs.getString(c.at("error_details"))));
            case CANCELLED -> Lifecycle.cancelled(rs.getString(c.at("cancel_reason")));
            default -> Lifecycle.of(status);
        };
    }

    int setLifecycle(PreparedStatement ps, int i, Lifecycle l) throws SQLException {
        ps.setString(++i, l.status().wire());
        ps.setString(++i, l.message());
        ps.setString(++i, toJson(l.details()));
        ps.setString(++i, l.reason());
        return i;
    }

    String toJson(ErrorInfo details) {
        if (details == null) {
            return null;
        }
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store error details", e);
        }
    }

    ErrorInfo fromJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, ErrorInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored error details are not valid JSON", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
