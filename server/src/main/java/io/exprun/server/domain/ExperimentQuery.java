package io.exprun.server.domain;

/** A list of experiments: optional filters, and the page. */
public record ExperimentQuery(String workflowId, String blockId, PageRequest page) {}
