package io.exprun.server.domain;

import io.exprun.server.domain.port.RunStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/** Creating, reading and listing runs and results for a tenant. Cancel lives in {@link RunCanceller}. */
public final class RunService {

    private final RunStore store;
    private final ExperimentCatalog catalog;
    private final Clock clock;
    private final Runnable workAvailable;

    public RunService(RunStore store, ExperimentCatalog catalog, Clock clock, Runnable workAvailable) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.workAvailable = workAvailable;
    }

    /**
     * Creates a pending run of an experiment, with one pending result per document.
     *
     * @throws NotFoundException {@code experiment_not_found} for an unknown experiment or a workflow mismatch
     */
    public Run create(String tenant, String experimentId, String workflowId, String triggerType) {
        Experiment experiment = catalog.find(experimentId).orElseThrow(() -> NotFoundException.experiment(experimentId));
        if (workflowId != null && !workflowId.equals(experiment.workflowId())) {
            throw NotFoundException.workflowMismatch(experimentId, workflowId);
        }
        Instant now = clock.instant();
        String runId = newId("exprun_");
        Run run = new Run(runId, tenant, experiment.id(), experiment.workflowId(), experiment.workflowVersionId(),
                experiment.blockId(), experiment.blockType(), experiment.nConsensus(), triggerType,
                Lifecycle.of(LifecycleStatus.PENDING), now, null, null,
                fingerprint("bef_", experiment.workflowVersionId(), experiment.blockId(), experiment.blockType(),
                        Integer.toString(experiment.nConsensus())),
                fingerprint("df_", experiment.documents().stream().map(Experiment.Document::id).sorted().toArray(String[]::new)),
                experiment.documents().size(), 0, 0);
        List<Result> results = new ArrayList<>(experiment.documents().size());
        for (Experiment.Document doc : experiment.documents()) {
            results.add(new Result(newId("expres_"), tenant, runId, experiment.id(), doc, experiment.blockType(),
                    Lifecycle.of(LifecycleStatus.PENDING), now, null, null, 0, null));
        }
        store.insertRun(run, results);
        workAvailable.run();
        return run;
    }

    public Run get(String tenant, String runId) {
        return store.findRun(tenant, runId).orElseThrow(() -> NotFoundException.run(runId));
    }

    public Page<Run> list(String tenant, RunQuery query) {
        return store.listRuns(tenant, query);
    }

    public Result getResult(String tenant, String resultId) {
        return store.findResult(tenant, resultId).orElseThrow(() -> NotFoundException.result(resultId));
    }

    public Page<Result> listResults(String tenant, String runId, PageRequest page) {
        return store.listResults(tenant, runId, page);
    }

    static String newId(String prefix) {
        UUID u = UUID.randomUUID();
        return prefix + String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static String fingerprint(String prefix, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return prefix + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
