package io.exprun.server.domain;

import io.exprun.server.domain.port.ExperimentStore;
import io.exprun.server.domain.port.IdempotencyKeys;
import io.exprun.server.domain.port.RunStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A tenant's experiments: create (once per Idempotency-Key), read, list, change, delete. The rules of what an
 * experiment is made of live here: its settings' defaults, where its documents come from, and that it has at most
 * {@link #MAX_DOCUMENTS}. An experiment may have none yet (a draft, as in Retab): a run of it is refused until it has
 * some ({@link RunService}).
 */
public final class ExperimentService {

    /** The most documents an experiment may have, whatever they come from: each becomes a result of every run. */
    public static final int MAX_DOCUMENTS = 1000;

    static final String DEFAULT_BLOCK_TYPE = "extract";
    static final int DEFAULT_N_CONSENSUS = 3;

    private final ExperimentStore experiments;
    private final RunStore runs;
    private final IdempotencyKeys idempotencyKeys;
    private final Clock clock;

    public ExperimentService(ExperimentStore experiments, RunStore runs, IdempotencyKeys idempotencyKeys, Clock clock) {
        this.experiments = experiments;
        this.runs = runs;
        this.idempotencyKeys = idempotencyKeys;
        this.clock = clock;
    }

    /** An experiment's documents are too many, or a run is asked of one that has none: the caller's mistake, 422. */
    public static final class DocumentsRefused extends IllegalArgumentException {
        private final String field;

        DocumentsRefused(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The request field the refusal is about: {@code documents}, or {@code experiment_id} for a run. */
        public String field() {
            return field;
        }
    }

    public Experiment create(String tenant, NewExperiment request) {
        Experiment experiment = newExperiment(tenant, request, RunService.newId("exp_"));
        experiments.insertIfAbsent(tenant, experiment);
        return experiment;
    }

    /**
     * Creates an experiment at most once per {@code (tenant, key)} within {@link RunService#IDEMPOTENCY_RETENTION}, as
     * {@link RunService#createOnce} does for runs: every request with the key and the same {@code fingerprint} gets
     * the experiment it created (as it now is). Deleting that experiment frees the key.
     *
     * @throws IdempotencyKeyReusedException the key was first used with another fingerprint
     */
    public Experiment createOnce(String tenant, String key, String fingerprint, NewExperiment request) {
        Experiment mine = newExperiment(tenant, request, RunService.newId("exp_"));
        Instant now = clock.instant();
        IdempotencyKeys.Claim claim = idempotencyKeys.claim(
                tenant, key, fingerprint, mine.id(), now, now.minus(RunService.IDEMPOTENCY_RETENTION));
        if (!claim.fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException();
        }
        Optional<Experiment> existing = experiments.find(tenant, claim.createdId());
        if (existing.isPresent()) {
            return existing.get();
        }
        // the request that claimed the key died before creating its experiment: create it under the claimed id
        Experiment claimed = withId(mine, claim.createdId());
        if (!experiments.insertIfAbsent(tenant, claimed)) {
            return experiments.find(tenant, claimed.id()).orElseThrow();
        }
        return claimed;
    }

    public Experiment get(String tenant, String experimentId) {
        return experiments.find(tenant, experimentId).orElseThrow(() -> RefusedAsNotFound.experiment(experimentId));
    }

    public Page<Experiment> list(String tenant, ExperimentQuery query) {
        return experiments.list(tenant, query);
    }

    /**
     * @param expected null, or what the experiment must still be (its version, as the caller read it): else nothing
     *                 changes and {@link ChangedSinceRead} is thrown
     */
    public Experiment update(
            String tenant, String experimentId, ExperimentChanges changes, Predicate<Experiment> expected) {
        Experiment current = get(tenant, experimentId);
        if (expected != null && !expected.test(current)) {
            throw new ChangedSinceRead(current); // checked again where it is decided, with the row held
        }
        ExperimentChanges resolved = changes;
        if (changes.documents() != null
                || !nullToEmpty(changes.capturedFromRuns()).isEmpty()) {
            resolved = new ExperimentChanges(
                    changes.name(),
                    documentsOf(tenant, changes.documents(), changes.capturedFromRuns()),
                    List.of(),
                    changes.nConsensus());
        }
        Experiment changed = current.changedBy(resolved, clock.instant());
        return experiments
                .update(tenant, changed, expected)
                .orElseThrow(() -> RefusedAsNotFound.experiment(experimentId));
    }

    /**
     * @param expected null, or what the experiment must still be, as for {@link #update}
     * @throws ExperimentHasActiveRun while one of its runs is pending, queued or running (cancel it first)
     */
    public void delete(String tenant, String experimentId, Predicate<Experiment> expected) {
        ExperimentStore.Deletion outcome = experiments.delete(tenant, experimentId, expected);
        if (outcome instanceof ExperimentStore.Deletion.NotFound) {
            throw RefusedAsNotFound.experiment(experimentId);
        }
        if (outcome instanceof ExperimentStore.Deletion.ActiveRun active) {
            throw new ExperimentHasActiveRun(experimentId, active.runId(), active.status());
        }
    }

    private Experiment newExperiment(String tenant, NewExperiment r, String id) {
        Experiment source = r.sourceExperimentId() == null ? null : get(tenant, r.sourceExperimentId());
        String blockType = firstOf(r.blockType(), source == null ? null : source.blockType(), DEFAULT_BLOCK_TYPE);
        String blockId = firstOf(r.blockId(), source == null ? null : source.blockId(), "blk_" + blockType);
        boolean ownDocuments =
                r.documents() != null || !nullToEmpty(r.capturedFromRuns()).isEmpty();
        Experiment.Documents documents = ownDocuments
                ? documentsOf(tenant, r.documents(), r.capturedFromRuns())
                : source == null
                        ? new Experiment.Documents(List.of(), null)
                        : new Experiment.Documents(source.documents(), source.documentsAsGiven());
        Instant now = clock.instant();
        return new Experiment(
                id,
                r.workflowId(),
                source != null && source.workflowId().equals(r.workflowId())
                        ? source.workflowVersionId()
                        : "wfv_" + r.workflowId(),
                blockId,
                source != null && blockId.equals(source.blockId()) ? source.blockName() : blockId,
                blockType,
                r.nConsensus() != null ? r.nConsensus() : source != null ? source.nConsensus() : DEFAULT_N_CONSENSUS,
                firstOf(r.name(), source == null ? null : source.name(), "Experiment of " + r.workflowId()),
                documents.documents(),
                documents.asGiven(),
                now,
                now,
                null,
                RowVersion.FIRST);
    }

    /**
     * The explicit documents as given, then those of each captured run in its results' order that are not there yet.
     * Shown back as given only when nothing was captured (captured documents have no given form).
     */
    private Experiment.Documents documentsOf(String tenant, Experiment.Documents explicit, List<String> capturedRuns) {
        List<Experiment.Document> all = new ArrayList<>(explicit == null ? List.of() : explicit.documents());
        Set<String> ids = new HashSet<>();
        all.forEach(d -> ids.add(d.id()));
        for (String runId : nullToEmpty(capturedRuns)) {
            runs.findRun(tenant, runId).orElseThrow(() -> RefusedAsNotFound.run(runId));
            String after = null;
            do {
                Page<Result> page = runs.listResults(tenant, runId, new PageRequest(null, after, 100, false));
                page.items().stream()
                        .map(Result::document)
                        .filter(d -> ids.add(d.id()))
                        .forEach(all::add);
                after = page.after();
            } while (after != null && all.size() <= MAX_DOCUMENTS);
        }
        if (all.size() > MAX_DOCUMENTS) {
            throw new DocumentsRefused("documents", "an experiment has at most " + MAX_DOCUMENTS + " documents");
        }
        boolean asGiven = explicit != null && nullToEmpty(capturedRuns).isEmpty();
        return new Experiment.Documents(all, asGiven ? explicit.asGiven() : null);
    }

    private static Experiment withId(Experiment e, String id) {
        return new Experiment(
                id,
                e.workflowId(),
                e.workflowVersionId(),
                e.blockId(),
                e.blockName(),
                e.blockType(),
                e.nConsensus(),
                e.name(),
                e.documents(),
                e.documentsAsGiven(),
                e.createdAt(),
                e.updatedAt(),
                e.lastRunId(),
                e.version());
    }

    private static String firstOf(String given, String fromSource, String otherwise) {
        return given != null ? given : fromSource != null ? fromSource : otherwise;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
