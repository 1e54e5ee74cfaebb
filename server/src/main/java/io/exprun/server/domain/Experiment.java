package io.exprun.server.domain;

import java.time.Instant;
import java.util.List;

/**
 * An experiment of a tenant: which block of which workflow version to run over which documents. Made through the API,
 * or copied from the start-up catalog. A run copies what it needs at its creation: later changes, or the
 * experiment's deletion, do not touch it.
 *
 * @param documentsAsGiven the documents as the API was given them (a JSON array of handle inputs and provenance, shown
 *                         back as they came); null when the experiment came from the catalog, whose documents are
 *                         shown from {@code documents}
 * @param lastRunId        the newest run of the experiment, when read; null when it has none (or was not asked)
 * @param version          the row's version (migration V8), incremented by every change of its settings; with
 *                         {@code lastRunId} it makes the experiment's ETag
 */
public record Experiment(
        String id,
        String workflowId,
        String workflowVersionId,
        String blockId,
        String blockName,
        String blockType,
        int nConsensus,
        String name,
        List<Document> documents,
        String documentsAsGiven,
        Instant createdAt,
        Instant updatedAt,
        String lastRunId,
        long version) {

    public Experiment {
        documents = List.copyOf(documents);
    }

    /** One input document of an experiment: the file a result of a run processes. */
    public record Document(String id, String filename, String mimeType) {}

    /** This experiment with its newest run named. */
    public Experiment withLastRunId(String runId) {
        return new Experiment(
                id,
                workflowId,
                workflowVersionId,
                blockId,
                blockName,
                blockType,
                nConsensus,
                name,
                documents,
                documentsAsGiven,
                createdAt,
                updatedAt,
                runId,
                version);
    }

    /**
     * This experiment with other settings, as an update leaves it at {@code now}; its update time never precedes the
     * one it had (a wall clock may have stepped back since).
     */
    public Experiment changedBy(ExperimentChanges changes, Instant now) {
        return new Experiment(
                id,
                workflowId,
                workflowVersionId,
                blockId,
                blockName,
                blockType,
                changes.nConsensus() != null ? changes.nConsensus() : nConsensus,
                changes.name() != null ? changes.name() : name,
                changes.documents() != null ? changes.documents().documents() : documents,
                changes.documents() != null ? changes.documents().asGiven() : documentsAsGiven,
                createdAt,
                now.isBefore(updatedAt) ? updatedAt : now,
                lastRunId,
                version);
    }

    /**
     * An experiment's documents as a request gives them: the documents, and the JSON they were given in (null when
     * they were not given as such, e.g. captured from a run).
     */
    public record Documents(List<Document> documents, String asGiven) {
        public Documents {
            documents = List.copyOf(documents);
        }
    }
}
