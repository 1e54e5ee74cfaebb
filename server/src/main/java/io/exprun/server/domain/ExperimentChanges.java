package io.exprun.server.domain;

import java.util.List;

/**
 * What an update of an experiment asks for; null leaves a setting as it is.
 *
 * @param documents        explicit documents, replacing the experiment's (with {@code capturedFromRuns}, both count)
 * @param capturedFromRuns runs of the tenant whose documents become the experiment's
 */
public record ExperimentChanges(
        String name, Experiment.Documents documents, List<String> capturedFromRuns, Integer nConsensus) {}
