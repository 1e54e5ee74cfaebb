package io.exprun.server.domain;

import java.util.List;

/**
 * What a create of an experiment asks for. Null settings take their defaults: the source experiment's when there is
 * one ({@code sourceExperimentId}), else {@link ExperimentService}'s.
 *
 * @param documents        explicit documents; null when none were given
 * @param capturedFromRuns runs of the tenant whose documents the experiment gets too
 */
public record NewExperiment(
        String workflowId,
        String blockId,
        String blockType,
        Integer nConsensus,
        String name,
        Experiment.Documents documents,
        List<String> capturedFromRuns,
        String sourceExperimentId) {}
