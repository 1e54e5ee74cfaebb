package io.exprun.server.api;

import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.domain.RunService;
import io.exprun.server.domain.RunWaits;
import io.exprun.server.generated.api.ExperimentRunsApi;
import io.exprun.server.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.server.generated.model.CreateExperimentRunRequest;
import io.exprun.server.generated.model.ExperimentRun;
import io.exprun.server.generated.model.ExperimentRunList;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.jersey.server.ContainerRequest;

/** The experiment-runs operations of the generated interface (paths and media types come from the spec). */
public final class ExperimentRunsResource implements ExperimentRunsApi {

    private final RunService runs;
    private final RunCanceller canceller;
    private final ModelMapper mapper;
    private final RunWaits waits;

    @Context
    private SecurityContext security;

    /** The request being served (the resources are singletons: a provider, resolved on the request's thread). */
    @Inject
    private Provider<ContainerRequest> requests;

    public ExperimentRunsResource(RunService runs, RunCanceller canceller, ModelMapper mapper, RunWaits waits) {
        this.runs = runs;
        this.canceller = canceller;
        this.mapper = mapper;
        this.waits = waits;
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

    /**
     * Answered at once, or, with {@code wait_for=terminal} and a run still active, when the run ends or the timeout
     * (validated against the spec's pattern, its default the spec's) has passed, without holding this thread (the
     * request took one of its tenant's waits, {@code TenantWaits}, and gave its API thread back).
     * {@code If-None-Match} is compared with the run as answered, so a wait that ends unchanged is a 304.
     */
    @Override
    public CompletionStage<ExperimentRun> getExperimentRun(
            String runId, String waitFor, String timeout, String ifNoneMatch) {
        AtomicReference<EntityTag> tag = EntityTags.slot(requests.get());
        Run now = runs.get(tenant(), runId);
        if (waitFor == null || now.status().isTerminal()) {
            return CompletableFuture.completedFuture(answer(now, ifNoneMatch, tag));
        }
        // completed by hand, not by thenApply: JAX-RS maps the exception the stage fails with, which must not arrive
        // wrapped in a CompletionException (a 304, a 404, a 503 would all become 500s)
        CompletableFuture<ExperimentRun> answered = new CompletableFuture<>();
        waits.untilTerminal(tenant(), now, duration(timeout)).whenComplete((run, failed) -> {
            try {
                if (failed != null) {
                    throw failed instanceof CompletionException c && c.getCause() != null ? c.getCause() : failed;
                }
                answered.complete(answer(run, ifNoneMatch, tag));
            } catch (Throwable refused) {
                answered.completeExceptionally(refused);
            }
        });
        return answered;
    }

    private ExperimentRun answer(Run run, String ifNoneMatch, AtomicReference<EntityTag> tag) {
        EntityTags.answer(tag, ifNoneMatch, EntityTags.of(run));
        return mapper.run(run);
    }

    /** {@code 30s} or {@code 500ms}: the spec's pattern has checked it (and bounded it). */
    private static Duration duration(String timeout) {
        return timeout.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(timeout.substring(0, timeout.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(timeout.substring(0, timeout.length() - 1)));
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
