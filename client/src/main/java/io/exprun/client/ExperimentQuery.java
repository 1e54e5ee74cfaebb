package io.exprun.client;

/**
 * Filters of an experiment listing ({@code GET /v1/workflows/experiments}); every field optional. Immutable:
 * {@code ExperimentQuery.all().workflowId("wf_demo").blockId("blk_extract")}.
 */
public record ExperimentQuery(String workflowId, String blockId, Integer pageSize, String order) {

    public static ExperimentQuery all() {
        return new ExperimentQuery(null, null, null, null);
    }

    public ExperimentQuery workflowId(String v) {
        return new ExperimentQuery(v, blockId, pageSize, order);
    }

    public ExperimentQuery blockId(String v) {
        return new ExperimentQuery(workflowId, v, pageSize, order);
    }

    /** Page size, 1–100 (server default 20). */
    public ExperimentQuery pageSize(int v) {
        return new ExperimentQuery(workflowId, blockId, v, order);
    }

    /** Oldest first (the server's default is newest first). */
    public ExperimentQuery ascending() {
        return new ExperimentQuery(workflowId, blockId, pageSize, "asc");
    }
}
