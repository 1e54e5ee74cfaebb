package io.exprun.server.architecture.badfixture.store;

/** Negative control for DomainIsolationTest: stands for an adapter the domain must not know. Never used. */
public final class SomeAdapter {}
