package io.exprun.cli;

import io.exprun.client.ExprunWaitTimeoutException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.conformance.ConformanceCommand;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Waiting for a run to end, as a CI step does: {@code exprun runs wait RUN_ID [--timeout 10m]}, and the same after
 * {@code exprun runs create --wait}. The wait is the contract's ({@code wait_for=terminal}): one request per minute at
 * most, answered as soon as the run ends. The exit status says how it ended (see {@link #exitFor}).
 */
final class RunWaiting {

    static final String DEFAULT_TIMEOUT = "10m";

    private RunWaiting() {}

    /** The options of a wait, shared by {@code runs wait} and {@code runs create --wait}. */
    static final class Timeout {
        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = DEFAULT_TIMEOUT,
                converter = ConformanceCommand.DurationConverter.class,
                description = "How long to wait for the run to end (30s, 10m, PT1H; default: ${DEFAULT-VALUE});"
                        + " still running then: exit " + ExprunCli.Exit.RUN_TIMED_OUT)
        Duration timeout;
    }

    /** 0 completed, {@link ExprunCli.Exit#RUN_FAILED} error, {@link ExprunCli.Exit#RUN_CANCELLED} cancelled. */
    static int exitFor(ExperimentRun run) {
        return switch (RunLifecycle.of(run.getLifecycle()).kind()) {
            case COMPLETED -> ExprunCli.Exit.OK;
            case ERROR -> ExprunCli.Exit.RUN_FAILED;
            case CANCELLED -> ExprunCli.Exit.RUN_CANCELLED;
            default -> ExprunCli.Exit.INTERNAL; // a terminal status this client does not know
        };
    }

    /** Waits, prints the run as it ended (or as last seen), and says how it ended. */
    static int waitAndReport(ApiCommand command, String runId, Duration timeout) throws Exception {
        ExperimentRun run;
        int exit;
        try {
            run = command.root().client().workflows().experiments().runs().waitFor(runId, timeout);
            exit = exitFor(run);
        } catch (ExprunWaitTimeoutException e) {
            run = e.lastSeen();
            exit = ExprunCli.Exit.RUN_TIMED_OUT;
            var err = command.spec.commandLine().getErr();
            err.println("exprun: run " + runId + " is still "
                    + RunLifecycle.of(run.getLifecycle()).status() + " after " + timeout);
            err.flush();
        }
        if (command.json()) {
            command.printAnswer("GET", run);
        } else {
            Output.run(command.out(), run);
        }
        return exit;
    }

    @Command(
            name = "wait",
            description = "Wait for a run to end: exit 0 completed, " + ExprunCli.Exit.RUN_FAILED + " error, "
                    + ExprunCli.Exit.RUN_CANCELLED + " cancelled, " + ExprunCli.Exit.RUN_TIMED_OUT
                    + " still running when --timeout passed.")
    static final class Wait extends ApiCommand {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @picocli.CommandLine.Mixin
        Timeout options;

        @Override
        public Integer call() throws Exception {
            return waitAndReport(this, runId, options.timeout);
        }
    }
}
