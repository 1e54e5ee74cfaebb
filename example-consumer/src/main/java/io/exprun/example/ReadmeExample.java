package io.exprun.example;

import io.exprun.client.ExperimentRuns;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunPreconditionFailedException;
import io.exprun.client.ExprunResponse;
import io.exprun.client.RequestOptions;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import java.time.Duration;

public class ReadmeExample {
    public static void main(String[] args) {
        ExprunClient client = ExprunClient.builder() // defaults: EXPRUN_BASE_URL, EXPRUN_API_KEY
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30)) // one attempt
                .deadline(Duration.ofMinutes(2)) // one call, its retries included
                .build();
        ExperimentRuns runs = client.workflows().experiments().runs(); // Retab's shape

        ExperimentRun run = runs.create("exp_demo");
        CancelWorkflowExperimentRunResponse cancelled = runs.cancel(run.getId());
        System.out.println("cancelled " + cancelled.getId() + ": "
                + ((RunLifecycle.Cancelled) RunLifecycle.of(cancelled.getLifecycle())).reason());
        try {
            runs.cancel(run.getId());
        } catch (ExprunNotFoundException e) { // run_not_found, or run_not_cancellable + its status
            System.out.println("second cancel: " + e.code().orElse("?") + ", status "
                    + e.currentStatus().orElse("?"));
        }

        ExperimentRun done = runs.waitFor(run.getId(), Duration.ofMinutes(5)); // the server holds the answer
        RunLifecycle lifecycle = RunLifecycle.of(done.getLifecycle());
        switch (lifecycle.kind()) { // PENDING … CANCELLED, and UNKNOWN for newer servers
            case COMPLETED -> System.out.println("completed");
            case ERROR -> System.out.println("failed: " + ((RunLifecycle.Failed) lifecycle).details());
            case CANCELLED -> System.out.println("cancelled: " + ((RunLifecycle.Cancelled) lifecycle).reason());
            default -> System.out.println("now " + lifecycle.status());
        }

        for (ExperimentRun r : runs.list(RunQuery.all().experimentId("exp_demo").status(LifecycleStatus.RUNNING))) {
            System.out.println("running: " + r.getId()); // pages fetched as the loop reaches them
        }
        client.workflows()
                .experiments()
                .results()
                .list(run.getId()) // every result of the run, in document order
                .forEach(r -> System.out.println(r.getDocumentId() + ": "
                        + RunLifecycle.of(r.getLifecycle()).status()));

        // read, then change only if nobody changed it since: If-Match with the ETag read
        ExprunResponse<WorkflowExperiment> read =
                client.workflows().experiments().getWithResponse("exp_demo", RequestOptions.none());
        try {
            client.workflows()
                    .experiments()
                    .update(
                            "exp_demo",
                            new UpdateExperimentRequest().name("Invoices (checked)"),
                            RequestOptions.none().ifMatch(read.etag().orElseThrow()));
        } catch (ExprunPreconditionFailedException e) { // 412: changed since; read it again, then decide
            System.out.println("changed meanwhile, now " + e.currentEtag().orElse("?"));
        }
    }
}
