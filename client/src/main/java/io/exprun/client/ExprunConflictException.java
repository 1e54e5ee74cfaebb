package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.client.generated.rules.ErrorCode;
import java.util.Optional;

/**
 * 409: the request conflicts with the current state. The contract's one case so far is deleting an experiment that
 * still has a pending, queued or running run ({@code experiment_has_active_run}, {@link #hasActiveRun()}): cancel
 * {@link #runId()} and delete again. ({@link #status()} is the HTTP status, 409, as on every {@link ExprunException};
 * the active run's lifecycle status is {@link #runStatus()}.)
 */
public class ExprunConflictException extends ExprunException {
    public ExprunConflictException(String message, JsonNode body, String requestId) {
        super(message, 409, body, requestId, null);
    }

    /** {@code experiment_has_active_run}: the experiment cannot be deleted while {@link #runId()} is active. */
    public boolean hasActiveRun() {
        return code().filter(ErrorCode.EXPERIMENT_HAS_ACTIVE_RUN.wire()::equals).isPresent();
    }

    /** The active run that stands in the way ({@code detail.details.run_id}). */
    public Optional<String> runId() {
        return detail("run_id");
    }

    /** That run's lifecycle status when the server answered ({@code pending}, {@code queued} or {@code running}). */
    public Optional<String> runStatus() {
        return detail("status");
    }

    /** The experiment the request was about ({@code detail.details.experiment_id}). */
    public Optional<String> experimentId() {
        return detail("experiment_id");
    }

    private Optional<String> detail(String name) {
        JsonNode value =
                body() == null ? null : body().path("detail").path("details").path(name);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
