package io.exprun.server.api;

import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.domain.RunService;
import io.exprun.server.generated.api.ExperimentRunsApi;
import io.exprun.server.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.server.generated.model.CreateExperimentRunRequest;
import io.exprun.server.generated.model.ExperimentRun;
import io.exprun.server.generated.model.ExperimentRunList;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.time.LocalDate;

/** The experiment-runs operations of the generated interface (paths and media types come from the spec). */
public final class ExperimentRunsResource implements ExperimentRunsApi {

    private final RunService runs;
    private final RunCanceller canceller;
    private final ModelMapper mapper;

    @Context
    private SecurityContext security;

    public ExperimentRunsResource(RunService runs, RunCanceller canceller, ModelMapper mapper) {
        this.runs = runs;
        this.canceller = canceller;
        this.mapper = mapper;
    }

    /** Any body (none, empty, or {@code {}}) is accepted and ignored: the interface declares no entity parameter. */
    @Override
    public CancelWorkflowExperimentRunResponse cancelExperimentRun(String runId) {
        return mapper.cancelResponse(canceller.cancel(tenant(), runId));
    }

    /**
     * The body arrives validated against CreateExperimentRunRequest's constraints (required, minLength), the key
     * against its own (1–255 characters). With a key, the body's fingerprint (its canonical JSON, hashed) decides
     * whether a repeated key is a retry of the same request.
     */
    @Override
    public ExperimentRun createExperimentRun(CreateExperimentRunRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return mapper.run(runs.create(tenant(), request.getExperimentId(), request.getWorkflowId(), "api"));
        }
        return mapper.run(runs.createOnce(
                tenant(),
                idempotencyKey,
                RequestFingerprint.of(request),
                request.getExperimentId(),
                request.getWorkflowId(),
                "api"));
    }

    @Override
    public ExperimentRun getExperimentRun(String runId) {
        return mapper.run(runs.get(tenant(), runId));
    }

    @Override
    public ExperimentRunList listExperimentRuns(
            String workflowId,
            String experimentId,
            String blockId,
            io.exprun.server.generated.model.LifecycleStatus status,
            io.exprun.server.generated.model.LifecycleStatus excludeStatus,
            String triggerType,
            LocalDate fromDate,
            LocalDate toDate,
            String sortBy,
            String before,
            String after,
            Integer limit,
            String order) {
        var page = new RequestChecks().dateRange(fromDate, toDate).page(before, after, limit, order);
        RunQuery query = new RunQuery(
                workflowId,
                experimentId,
                blockId,
                domain(status),
                domain(excludeStatus),
                triggerType,
                fromDate,
                toDate,
                page);
        return mapper.runs(runs.list(tenant(), query));
    }

    private static LifecycleStatus domain(io.exprun.server.generated.model.LifecycleStatus wire) {
        return wire == null ? null : LifecycleStatus.parse(wire.toString());
    }

    private String tenant() {
        return BearerAuthFilter.tenantOf(security);
    }
}
