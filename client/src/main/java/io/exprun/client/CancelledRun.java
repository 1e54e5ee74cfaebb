package io.exprun.client;

import io.exprun.client.generated.model.Timing;

/** What a successful cancel returns: the run's id, its new cancelled lifecycle and its timing. */
public record CancelledRun(String runId, RunLifecycle.Cancelled lifecycle, Timing timing) {}
