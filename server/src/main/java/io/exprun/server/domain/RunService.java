package io.exprun.server.domain;

import io.exprun.server.domain.port.ExperimentStore;
import io.exprun.server.domain.port.IdempotencyKeys;
import io.exprun.server.domain.port.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creating, reading and listing runs and results for a tenant. Cancel lives in {@link RunCanceller}. */
public final class RunService {

    /**
     * How long an Idempotency-Key keeps answering with the run it created: the contract's 24 hours. Older claims no
     * longer count here, and the retention sweeper deletes them.
     */
    public static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

    private final RunStore store;
    private final IdempotencyKeys idempotencyKeys;
    private final ExperimentStore experiments;
    private final Clock clock;
    private final Runnable workAvailable;

    public RunService(
            RunStore store,
            IdempotencyKeys idempotencyKeys,
            ExperimentStore experiments,
            Clock clock,
            Runnable workAvailable) {
        this.store = store;
        this.idempotencyKeys = idempotencyKeys;
        this.experiments = experiments;
        this.clock = clock;
        this.workAvailable = workAvailable;
    }

    /**
     * Creates a pending run of an experiment, with one pending result per document.
     *
     * @throws RefusedAsNotFound {@code experiment_not_found} for an unknown experiment or a workflow mismatch
     */
    public Run create(String tenant, String experimentId, String workflowId, String triggerType) {
        Experiment experiment = experimentOf(tenant, experimentId, workflowId);
        Run run = newRun(tenant, experiment, triggerType, newId("exprun_"));
        store.insertRun(run, resultsOf(run, experiment));
        workAvailable.run();
        return run;
    }

    /**
     * Creates a run at most once per {@code (tenant, key)} within {@link #IDEMPOTENCY_RETENTION}: the first request
     * claims the key for a run id; every request with that key and the same {@code fingerprint} (of its body) gets
     * that run as it was created. The run's primary key makes its creation exactly-once even when the request that
     * claimed the key died before creating it: whoever finds the run missing creates it under the claimed id.
     *
     * @throws IdempotencyKeyReusedException the key was first used with another fingerprint
     * @throws RefusedAsNotFound             {@code experiment_not_found} (checked before any claim)
     */
    public Run createOnce(
            String tenant, String key, String fingerprint, String experimentId, String workflowId, String triggerType) {
        Experiment experiment = experimentOf(tenant, experimentId, workflowId);
        Run mine = newRun(tenant, experiment, triggerType, newId("exprun_"));
        Instant now = clock.instant();
        IdempotencyKeys.Claim claim =
                idempotencyKeys.claim(tenant, key, fingerprint, mine.id(), now, now.minus(IDEMPOTENCY_RETENTION));
        if (!claim.fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException();
        }
        Run claimed =
                claim.createdId().equals(mine.id()) ? mine : newRun(tenant, experiment, triggerType, claim.createdId());
        Optional<Run> existing = store.findRun(tenant, claimed.id());
        if (existing.isPresent()) {
            return existing.get().asCreated();
        }
        if (!store.insertRunIfAbsent(claimed, resultsOf(claimed, experiment))) {
            return store.findRun(tenant, claimed.id()).orElseThrow().asCreated();
        }
        workAvailable.run();
        return claimed;
    }

    /** The tenant's experiment, which must be of {@code workflowId} when that is given. */
    private Experiment experimentOf(String tenant, String experimentId, String workflowId) {
        Experiment experiment =
                experiments.find(tenant, experimentId).orElseThrow(() -> RefusedAsNotFound.experiment(experimentId));
        if (workflowId != null && !workflowId.equals(experiment.workflowId())) {
            throw RefusedAsNotFound.workflowMismatch(experimentId, workflowId);
        }
        if (experiment.documents().isEmpty()) {
            throw new ExperimentService.DocumentsRefused(
                    "experiment_id",
                    "experiment " + experimentId
                            + " has no documents yet: give it some (PATCH /v1/workflows/experiments/" + experimentId
                            + ")");
        }
        return experiment;
    }

    private Run newRun(String tenant, Experiment experiment, String triggerType, String runId) {
        Instant now = clock.instant();
        return new Run(
                runId,
                tenant,
                experiment.id(),
                experiment.workflowId(),
                experiment.workflowVersionId(),
                experiment.blockId(),
                experiment.blockType(),
                experiment.nConsensus(),
                triggerType,
                Lifecycle.of(LifecycleStatus.PENDING),
                now,
                null,
                null,
                fingerprint(
                        "bef_",
                        experiment.workflowVersionId(),
                        experiment.blockId(),
                        experiment.blockType(),
                        Integer.toString(experiment.nConsensus())),
                fingerprint(
                        "df_",
                        experiment.documents().stream()
                                .map(Experiment.Document::id)
                                .sorted()
                                .toArray(String[]::new)),
                experiment.documents().size(),
                0,
                0,
                RowVersion.FIRST);
    }

    /** One pending result per document of the run's experiment. */
    private List<Result> resultsOf(Run run, Experiment experiment) {
        List<Result> results = new ArrayList<>(experiment.documents().size());
        for (Experiment.Document doc : experiment.documents()) {
            results.add(new Result(
                    newId("expres_"),
                    run.tenant(),
                    run.id(),
                    experiment.id(),
                    doc,
                    experiment.blockType(),
                    Lifecycle.of(LifecycleStatus.PENDING),
                    run.createdAt(),
                    null,
                    null,
                    0,
                    null,
                    0)); // a result's version is what the results view reads: not known, nor answered, before
        }
        return results;
    }

    public Run get(String tenant, String runId) {
        return store.findRun(tenant, runId).orElseThrow(() -> RefusedAsNotFound.run(runId));
    }

    public Page<Run> list(String tenant, RunQuery query) {
        return store.listRuns(tenant, query);
    }

    public Result getResult(String tenant, String resultId) {
        return store.findResult(tenant, resultId).orElseThrow(() -> RefusedAsNotFound.result(resultId));
    }

    public Page<Result> listResults(String tenant, String runId, PageRequest page) {
        return store.listResults(tenant, runId, page);
    }

    static String newId(String prefix) {
        return TimeOrderedIds.next(prefix);
    }

    static String fingerprint(String prefix, String... parts) {
        return prefix + Sha256.hexOfParts(parts).substring(0, 16);
    }
}
