package io.exprun.server.domain;

import java.time.Instant;

/** The outcome of one document of a run, as stored. {@code outputJson} is the block's output (JSON text) once completed. */
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
        String outputJson) {

    public LifecycleStatus status() {
        return lifecycle.status();
    }
}
