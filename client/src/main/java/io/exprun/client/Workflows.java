package io.exprun.client;

/** {@code client.workflows()}: exprun serves the experiments of workflows ({@link #experiments()}), as Retab does. */
public final class Workflows {

    private final Experiments experiments;

    Workflows(Transport transport) {
        this.experiments = new Experiments(transport);
    }

    /** Experiments, with their runs and results. */
    public Experiments experiments() {
        return experiments;
    }
}
