package io.exprun.server.domain;

import java.time.Instant;

/**
 * The outcome of one document of a run, as stored. {@code outputJson} is the block's output (JSON text) once completed.
 *
 * @param version the version of what the result reads (migration V8's results view): it changes whenever that does,
 *                the derived cancel included, so it is what the result's ETag is made of
 */
public record Result(
        String id,
        String tenant,
        String runId,
        String experimentId,
        Experiment.Document document,
        String blockType,
        Lifecycle lifecycle,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        int attempt,
        String outputJson,
        long version) {

    public LifecycleStatus status() {
        return lifecycle.status();
    }
}
