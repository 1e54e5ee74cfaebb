package io.exprun.server.domain;

import java.time.Instant;

/**
 * One run of an experiment, as stored.
 *
 * @param version the row's version (migration V8): every change of what the run's answer shows increments it, so it
 *                is what the run's ETag is made of
 */
public record Run(
        String id,
        String tenant,
        String experimentId,
        String workflowId,
        String workflowVersionId,
        String blockId,
        String blockType,
        int nConsensus,
        String triggerType,
        Lifecycle lifecycle,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        String blockExecutionFingerprint,
        String documentsFingerprint,
        int documentCount,
        int completedDocumentCount,
        int errorCount,
        long version) {

    public LifecycleStatus status() {
        return lifecycle.status();
    }

    /**
     * This run as its create answered it, whatever it has become since (pending, nothing started or done): what the
     * replay of an idempotent create answers.
     */
    public Run asCreated() {
        return new Run(
                id,
                tenant,
                experimentId,
                workflowId,
                workflowVersionId,
                blockId,
                blockType,
                nConsensus,
                triggerType,
                Lifecycle.of(LifecycleStatus.PENDING),
                createdAt,
                null,
                null,
                blockExecutionFingerprint,
                documentsFingerprint,
                documentCount,
                0,
                0,
                RowVersion.FIRST);
    }
}
