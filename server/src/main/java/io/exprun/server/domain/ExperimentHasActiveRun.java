package io.exprun.server.domain;

import java.util.Map;

/**
 * An experiment cannot be deleted while one of its runs is pending, queued or running: the contract's 409
 * {@code experiment_has_active_run}, naming the run to cancel first.
 */
public final class ExperimentHasActiveRun extends RuntimeException {
    private final Map<String, Object> details;

    public ExperimentHasActiveRun(String experimentId, String runId, LifecycleStatus status) {
        super(
                "Experiment " + experimentId + " has run " + runId + " still " + status.wire() + ": cancel it first"
                        + " (POST /v1/workflows/experiments/runs/" + runId + "/cancel)",
                null,
                false,
                false);
        this.details = Map.of("experiment_id", experimentId, "run_id", runId, "status", status.wire());
    }

    public String code() {
        return ErrorCode.EXPERIMENT_HAS_ACTIVE_RUN.wire();
    }

    public Map<String, Object> details() {
        return details;
    }
}
