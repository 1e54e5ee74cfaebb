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

/** Rows ↔ domain records: the column lists, and the one place that knows how a lifecycle is stored. */
final class RowMapping {

    static final String ACTIVE = "('pending','queued','running')";
    static final String RUN_COLUMNS = "id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, "
            + "block_type, n_consensus, trigger_type, status, error_message, error_details, cancel_reason, created_at, "
            + "started_at, completed_at, block_execution_fingerprint, documents_fingerprint, document_count, "
            + "completed_document_count, error_count";
    private final ObjectMapper json;

    RowMapping(ObjectMapper json) {
        this.json = json;
    }

    Run mapRun(ResultSet rs) throws SQLException {
        return new Run(rs.getString("id"), rs.getString("tenant"), rs.getString("experiment_id"),
                rs.getString("workflow_id"), rs.getString("workflow_version_id"), rs.getString("block_id"),
                rs.getString("block_type"), rs.getInt("n_consensus"), rs.getString("trigger_type"), lifecycle(rs),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "completed_at"),
                rs.getString("block_execution_fingerprint"), rs.getString("documents_fingerprint"),
                rs.getInt("document_count"), rs.getInt("completed_document_count"), rs.getInt("error_count"));
    }

    Result mapResult(ResultSet rs) throws SQLException {
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

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
