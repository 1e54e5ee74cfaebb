package io.exprun.example;

import io.exprun.client.CancelledRun;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.LifecycleStatus;
import java.time.Duration;

public class ReadmeExample {
    public static void main(String[] args) {
        ExprunClient client = ExprunClient.builder() // defaults: EXPRUN_BASE_URL, EXPRUN_API_KEY
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30)) // one attempt
                .deadline(Duration.ofMinutes(2)) // one call, its retries included
                .build();

        ExperimentRun run = client.createRun("exp_demo");
        CancelledRun cancelled = client.cancel(run.getId()); // typed cancelled lifecycle + timing
        System.out.println(
                "cancelled " + cancelled.runId() + ": " + cancelled.lifecycle().reason());
        try {
            client.cancel(run.getId());
        } catch (ExprunNotFoundException e) { // run_not_found, or run_not_cancellable + its status
            System.out.println("second cancel: " + e.code().orElse("?") + ", status "
                    + e.currentStatus().orElse("?"));
        }

        ExperimentRun done = client.waitForTerminal(run.getId(), Duration.ofMinutes(5));
        RunLifecycle lifecycle = RunLifecycle.of(done.getLifecycle());
        switch (lifecycle.kind()) { // PENDING … CANCELLED, and UNKNOWN for newer servers
            case COMPLETED -> System.out.println("completed");
            case ERROR -> System.out.println("failed: " + ((RunLifecycle.Failed) lifecycle).details());
            case CANCELLED -> System.out.println("cancelled: " + ((RunLifecycle.Cancelled) lifecycle).reason());
            default -> System.out.println("now " + lifecycle.status());
        }

        client.runs(RunQuery.all()
                        .experimentId("exp_demo")
                        .status(LifecycleStatus.RUNNING)) // lazy, follows list_metadata.after
                .limit(10)
                .forEach(r -> System.out.println("running: " + r.getId()));
        client.results(run.getId()) // every result of the run, in document order
                .forEach(r -> System.out.println(r.getDocumentId() + ": "
                        + RunLifecycle.of(r.getLifecycle()).status()));
    }
}
