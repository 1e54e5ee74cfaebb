package io.exprun.stub;

/**
 * What the stub answers, one world at a time. Every answer is built at build time from the examples in
 * openapi/experiment-runs.yaml (see {@code GenerateStubMappings}); any run, result or experiment id is accepted and
 * echoed back. The experiments operations answer their spec examples in every scenario not about experiments.
 * In every scenario, requests the contract forbids are refused as the real server refuses them (401 without a valid
 * bearer key, 422 for invalid parameters or bodies, 404 for unknown paths, 405 for wrong methods).
 */
public enum Scenario {
    /** Each operation answers its spec example verbatim (the default). */
    EXAMPLES,
    /** Every run is {@code pending}; cancel answers the cancelled run, and later reads see it cancelled. */
    RUN_PENDING,
    /** Every run is {@code queued}; cancel answers the cancelled run, and later reads see it cancelled. */
    RUN_QUEUED,
    /** Every run is {@code running}; cancel answers the cancelled run, and later reads see it cancelled. */
    RUN_RUNNING,
    /** Every run is {@code completed}; cancel answers 404 {@code run_not_cancellable} with status completed. */
    RUN_COMPLETED,
    /** Every run failed ({@code error}, with message and details); cancel answers 404 {@code run_not_cancellable}. */
    RUN_ERROR,
    /** Every run is {@code cancelled}; cancel answers 404 {@code run_not_cancellable} with status cancelled. */
    RUN_CANCELLED,
    /** Successive reads of a run see pending, queued, running, then completed (and it stays completed). */
    RUN_PROGRESSES_TO_COMPLETED,
    /** No run exists: get and cancel answer 404 {@code run_not_found}, lists are empty, results 404. */
    RUN_NOT_FOUND,
    /**
     * No experiment exists: creating a run, and getting, updating or deleting an experiment, answer 404
     * {@code experiment_not_found}; the experiments list is empty (creating an experiment answers its example).
     */
    EXPERIMENT_NOT_FOUND,
    /**
     * Deleting an experiment answers 409 {@code experiment_has_active_run} naming run {@code exprun_2}, which is
     * {@code running}; once a run is cancelled, the delete answers 204, and the experiment is gone (404
     * {@code experiment_not_found}) afterwards.
     */
    EXPERIMENT_HAS_ACTIVE_RUN,
    /** Every request is refused 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (a revoked key). */
    UNAUTHORIZED,
    /** Every request is refused 422 with the spec's validation-error example. */
    VALIDATION_FAILED,
    /** Every request is refused 429 {@code overloaded} with {@code Retry-After: 1}, the spec's example. */
    RATE_LIMITED;

    /** The classpath resource with this scenario's WireMock mappings. */
    String resource() {
        return "/io/exprun/stub/scenarios/" + name() + ".json";
    }

    /** The lifecycle status every run has in a {@code RUN_<status>} scenario, or null. */
    public String runStatus() {
        return name().startsWith("RUN_") && !name().contains("PROGRESSES") && this != RUN_NOT_FOUND
                ? name().substring(4).toLowerCase(java.util.Locale.ROOT)
                : null;
    }

    /** The scenario in which every run has this lifecycle status. */
    public static Scenario runIn(String status) {
        return valueOf("RUN_" + status.toUpperCase(java.util.Locale.ROOT));
    }
}
