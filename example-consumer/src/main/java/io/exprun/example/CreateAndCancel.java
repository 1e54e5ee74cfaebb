package io.exprun.example;

import io.exprun.client.ExperimentRuns;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.ExperimentRun;
import java.io.PrintStream;

/**
 * Creates a run of an experiment, cancels it, and prints its lifecycle: what a JVM service using exprun writes.
 * Configured by EXPRUN_BASE_URL and EXPRUN_API_KEY; the experiment id is the first argument (default exp_demo).
 */
public final class CreateAndCancel {

    private CreateAndCancel() {}

    public static void main(String[] args) {
        ExprunClient client = ExprunClient.builder().build(); // EXPRUN_BASE_URL, EXPRUN_API_KEY
        String experiment = args.length > 0 ? args[0] : "exp_demo";
        try {
            run(client, experiment, System.out);
        } catch (ExprunException e) {
            System.err.println("exprun said no: " + e.getMessage()
                    + e.requestId().map(id -> " (request " + id + ")").orElse(""));
            System.exit(1);
        }
    }

    static void run(ExprunClient client, String experiment, PrintStream out) {
        ExperimentRuns runs = client.workflows().experiments().runs();
        ExperimentRun run = runs.create(experiment);
        out.println("created " + run.getId() + ": " + describe(RunLifecycle.of(run.getLifecycle())));

        CancelWorkflowExperimentRunResponse cancelled = runs.cancel(run.getId());
        out.println("cancelled " + cancelled.getId() + ": " + describe(RunLifecycle.of(cancelled.getLifecycle())));

        ExperimentRun after = runs.get(run.getId());
        out.println("now " + describe(RunLifecycle.of(after.getLifecycle())));
        client.workflows()
                .experiments()
                .results()
                .list(run.getId())
                .forEach(r ->
                        out.println("  " + r.getDocumentId() + ": " + describe(RunLifecycle.of(r.getLifecycle()))));
    }

    /** One line per lifecycle variant, including the one for statuses a newer server may add. */
    static String describe(RunLifecycle lifecycle) {
        return switch (lifecycle.kind()) {
            case PENDING -> "pending, waiting to be queued";
            case QUEUED -> "queued for a worker";
            case RUNNING -> "running";
            case COMPLETED -> "completed";
            case ERROR -> "failed: " + ((RunLifecycle.Failed) lifecycle).message();
            case CANCELLED -> "cancelled (" + ((RunLifecycle.Cancelled) lifecycle).reason() + ")";
            case UNKNOWN -> "in a state this client does not know: " + ((RunLifecycle.Unknown) lifecycle).raw();
        };
    }
}
