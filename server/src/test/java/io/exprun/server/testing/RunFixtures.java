package io.exprun.server.testing;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.RunService;
import io.exprun.server.store.JdbiRunStore;
import io.exprun.server.store.JdbiWorkerStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * Puts runs into any lifecycle state through the real service and store transitions (no SQL of its own, no
 * test-only endpoint): create → enqueue → claim → start/complete results → finish, or cancel. Use with a server
 * started without workers, so nothing moves the runs afterwards.
 */
public final class RunFixtures {

    public static final String TENANT_A = "tenant-a";
    public static final String KEY_A = "test-key-a";
    public static final String TENANT_B = "tenant-b";
    public static final String KEY_B = "test-key-b";
    public static final String EXPERIMENT = "exp_demo";
    public static final String OWNER = "fixtures";
    /** Fixture runs are held by {@link #OWNER} for an hour: nothing takes them over during a test. */
    public static final java.time.Duration LEASE = java.time.Duration.ofHours(1);

    private final RunService service;
    private final JdbiRunStore store;
    private final JdbiWorkerStore workers;

    public RunFixtures(RunService service, JdbiRunStore store, JdbiWorkerStore workers) {
        this.service = service;
        this.store = store;
        this.workers = workers;
    }

    /**
     * A run of {@link #EXPERIMENT} (5 documents) in {@code status}. Running: 1 result completed, 1 running, 3 pending.
     * Completed: all results completed. Error: one result failed. Cancelled: cancelled while running.
     */
    public Run runIn(String tenant, LifecycleStatus status) {
        return switch (status) {
            case PENDING -> service.create(tenant, EXPERIMENT, null, "api");
            case QUEUED -> queued(tenant);
            case RUNNING -> running(tenant, 1, true);
            case COMPLETED -> completed(tenant);
            case ERROR ->
                errorRun(
                        tenant,
                        "1 of 5 documents failed",
                        new ErrorInfo(
                                "extraction timed out",
                                "Traceback: simulated",
                                "blk_extract",
                                "Extract invoice fields",
                                "timeout",
                                Map.of("document_id", "doc_2")));
            case CANCELLED -> cancelledRun(tenant, RunCanceller.DEFAULT_REASON);
        };
    }

    public Run errorRun(String tenant, String message, ErrorInfo details) {
        Run run = running(tenant, 0, false);
        Result first = workers.startNextResult(run.id(), OWNER).orElseThrow();
        workers.failResult(run.id(), first.id(), OWNER, message, details);
        drain(run);
        finish(run, Lifecycle.error(message, details));
        return reload(run);
    }

    /** Cancelled while running; {@code reason} may be null (the contract allows {@code "reason": null}). */
    public Run cancelledRun(String tenant, String reason) {
        Run run = running(tenant, 1, true);
        return store.cancelRun(tenant, run.id(), reason).orElseThrow();
    }

    /** Running, with {@code completedResults} results done and (optionally) the next one running. */
    public Run running(String tenant, int completedResults, boolean oneInFlight) {
        return running(tenant, EXPERIMENT, completedResults, oneInFlight);
    }

    /** As {@link #running(String, int, boolean)}, a run of {@code experimentId} (which must have documents). */
    public Run running(String tenant, String experimentId, int completedResults, boolean oneInFlight) {
        Run run = queued(tenant, experimentId);
        workers.claim(run.id(), OWNER).orElseThrow();
        for (int i = 0; i < completedResults; i++) {
            Result r = workers.startNextResult(run.id(), OWNER).orElseThrow();
            workers.completeResult(
                    run.id(),
                    r.id(),
                    OWNER,
                    "{\"document_id\":\"" + r.document().id() + "\"}");
        }
        if (oneInFlight) {
            workers.startNextResult(run.id(), OWNER).orElseThrow();
        }
        return reload(run);
    }

    /** A running run (of a synthetic experiment) with {@code count} pending results: for bulk cancel. */
    public Run runWithPendingResults(String tenant, int count) {
        Instant now = now();
        String runId = "exprun_bulk_" + java.util.UUID.randomUUID().toString().replace("-", "");
        Run run = new Run(
                runId,
                tenant,
                EXPERIMENT,
                "wf_demo",
                "wfv_demo_1",
                "blk_extract",
                "extract",
                3,
                "api",
                Lifecycle.of(LifecycleStatus.RUNNING),
                now,
                now,
                null,
                "bef_bulk",
                "df_bulk",
                count,
                0,
                0,
                io.exprun.server.domain.RowVersion.FIRST);
        java.util.List<Result> results = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(new Result(
                    runId.replace("exprun_", "expres_") + "_" + i,
                    tenant,
                    runId,
                    EXPERIMENT,
                    new io.exprun.server.domain.Experiment.Document("doc_" + i, "doc-" + i + ".pdf", "application/pdf"),
                    "extract",
                    Lifecycle.of(LifecycleStatus.PENDING),
                    now,
                    null,
                    null,
                    0,
                    null,
                    0));
        }
        store.insertRun(run, results);
        return run;
    }

    public Run completed(String tenant) {
        return complete(running(tenant, 0, false));
    }

    /**
     * A running run of these fixtures (owned by {@link #OWNER}) processed to its end and completed, straight in the
     * store, as a worker of another instance would: nothing in this process is told.
     */
    public Run complete(Run running) {
        drain(running);
        finish(running, Lifecycle.of(LifecycleStatus.COMPLETED));
        return reload(running);
    }

    private Run queued(String tenant) {
        return queued(tenant, EXPERIMENT);
    }

    private Run queued(String tenant, String experimentId) {
        Run run = service.create(tenant, experimentId, null, "api");
        workers.enqueue(run.id());
        return reload(run);
    }

    private void drain(Run run) {
        Optional<Result> next;
        while ((next = workers.startNextResult(run.id(), OWNER)).isPresent()) {
            Result r = next.get();
            workers.completeResult(
                    run.id(),
                    r.id(),
                    OWNER,
                    "{\"document_id\":\"" + r.document().id() + "\"}");
        }
    }

    private void finish(Run run, Lifecycle outcome) {
        if (!workers.finishRun(run.id(), OWNER, outcome)) {
            throw new IllegalStateException("could not finish fixture run " + run.id());
        }
    }

    private Run reload(Run run) {
        return store.findRun(run.tenant(), run.id()).orElseThrow();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
