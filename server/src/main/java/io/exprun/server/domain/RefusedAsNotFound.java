package io.exprun.server.domain;

import java.util.Map;

/**
 * A refusal the contract answers with 404 ({@code ExceptionMappers.NotFound}): something the caller named is not there
 * for them ({@code run_not_found}, {@code result_not_found}, {@code experiment_not_found}: absent, or another
 * tenant's, the two indistinguishable on purpose), or a run is not in a state the operation accepts
 * ({@code run_not_cancellable}, which is there but refused the same way). {@code code} is the contract's
 * machine-readable case. Not JAX-RS's {@link jakarta.ws.rs.NotFoundException}, which is an unmatched route.
 */
public final class RefusedAsNotFound extends RuntimeException {
    private final String code;
    private final Map<String, Object> details;

    private RefusedAsNotFound(String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public static RefusedAsNotFound run(String runId) {
        return new RefusedAsNotFound(
                ErrorCode.RUN_NOT_FOUND.wire(), "Run " + shown(runId) + " not found", Map.of("run_id", shown(runId)));
    }

    public static RefusedAsNotFound notCancellable(String runId, LifecycleStatus current) {
        return new RefusedAsNotFound(
                ErrorCode.RUN_NOT_CANCELLABLE.wire(),
                "Run " + runId + " is " + current.wire() + " and can no longer be cancelled",
                Map.of("run_id", runId, "status", current.wire()));
    }

    public static RefusedAsNotFound result(String resultId) {
        return new RefusedAsNotFound(
                ErrorCode.RESULT_NOT_FOUND.wire(),
                "Result " + shown(resultId) + " not found",
                Map.of("result_id", shown(resultId)));
    }

    public static RefusedAsNotFound experiment(String experimentId) {
        return new RefusedAsNotFound(
                ErrorCode.EXPERIMENT_NOT_FOUND.wire(),
                "Experiment " + shown(experimentId) + " not found",
                Map.of("experiment_id", shown(experimentId)));
    }

    public static RefusedAsNotFound workflowMismatch(String experimentId, String workflowId) {
        return new RefusedAsNotFound(
                ErrorCode.EXPERIMENT_NOT_FOUND.wire(),
                "Experiment " + shown(experimentId) + " does not belong to workflow " + shown(workflowId),
                Map.of("experiment_id", shown(experimentId), "workflow_id", shown(workflowId)));
    }

    /** Ids echoed back are cut short: a caller sending a 10 kB id does not get 10 kB (or 3 MB) back. */
    private static String shown(String id) {
        return id.length() <= 128 ? id : id.substring(0, 128) + "…";
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
