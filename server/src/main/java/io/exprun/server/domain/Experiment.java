package io.exprun.server.domain;

import java.util.List;

/** An experiment from the catalog: which block of which workflow version to run over which documents. */
public record Experiment(
        String id,
        String workflowId,
        String workflowVersionId,
        String blockId,
        String blockName,
        String blockType,
        int nConsensus,
        List<Document> documents) {

    public Experiment {
        documents = List.copyOf(documents);
    }

    /** One input document of an experiment. */
    public record Document(String id, String filename, String mimeType) {}
}
