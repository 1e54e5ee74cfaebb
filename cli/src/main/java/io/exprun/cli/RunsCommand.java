package io.exprun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentResultList;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.ExperimentRunList;
import io.exprun.client.generated.model.LifecycleStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exprun runs …}. Each command makes its call through the client once; with {@code --json} it prints the
 * answer's bytes as the server sent them (lists included: the {@code {"data":[…],"list_metadata":{…}}} envelope, one
 * page, {@code --after} for the next), otherwise a table made from the same answer.
 *
 * <p>A little over 250 lines: picocli wants each subcommand as a class, and the options read best beside the one call
 * each makes.
 */
@Command(
        name = "runs",
        description = "Experiment runs.",
        subcommands = {
            RunsCommand.ListRuns.class,
            RunsCommand.Get.class,
            RunsCommand.Create.class,
            RunsCommand.Cancel.class,
            RunsCommand.Results.class,
            RunWaiting.Wait.class
        })
final class RunsCommand implements Runnable, ApiCommand.Group {

    @CommandLine.ParentCommand
    ExprunCli root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public ExprunCli root() {
        return root;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: one of list, get, create, cancel, results, wait");
    }

    @Command(name = "list", description = "One page of runs, newest first.")
    static final class ListRuns extends ApiCommand {
        @Option(
                names = "--status",
                paramLabel = "STATUS",
                completionCandidates = KnownStatuses.class,
                description = "Only this status: ${COMPLETION-CANDIDATES}")
        LifecycleStatus status;

        @Option(names = "--experiment", paramLabel = "EXPERIMENT_ID", description = "Only runs of this experiment")
        String experiment;

        @Option(names = "--limit", paramLabel = "N", description = "Page size, 1-100 (server default: 20)")
        Integer limit;

        @Option(
                names = "--after",
                paramLabel = "CURSOR",
                description = "The next page: list_metadata.after of this one")
        String after;

        @Override
        public Integer call() throws Exception {
            RunQuery query = RunQuery.all().status(status).experimentId(experiment);
            ExperimentRunList page = root().client()
                    .workflows()
                    .experiments()
                    .runs()
                    .page(limit == null ? query : query.pageSize(limit), after);
            if (json()) {
                return printAnswer("GET", page);
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "STATUS", "EXPERIMENT", "DOCS", "ERRORS", "CREATED"});
            for (ExperimentRun r : page.getData()) {
                rows.add(new String[] {
                    r.getId(),
                    RunLifecycle.of(r.getLifecycle()).status(),
                    r.getExperimentId(),
                    r.getCompletedDocumentCount() + "/" + r.getDocumentCount(),
                    String.valueOf(r.getErrorCount()),
                    Output.time(r.getTiming() == null ? null : r.getTiming().getCreatedAt())
                });
            }
            Output.table(out(), rows);
            moreHint(
                    page.getListMetadata() == null
                            ? null
                            : page.getListMetadata().getAfter());
            return ExprunCli.Exit.OK;
        }
    }

    @Command(name = "get", description = "Show one run.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Override
        public Integer call() throws Exception {
            ExperimentRun run = root().client().workflows().experiments().runs().get(runId);
            if (json()) {
                return printAnswer("GET", run);
            }
            Output.run(out(), run);
            return ExprunCli.Exit.OK;
        }
    }

    @Command(name = "create", description = "Start a run of an experiment (and with --wait, wait for it to end).")
    static final class Create extends ApiCommand {
        @Option(names = "--wait", description = "Then wait for the run to end, with the exit status of runs wait")
        boolean waitForEnd;

        @picocli.CommandLine.Mixin
        RunWaiting.Timeout waiting;

        @Parameters(paramLabel = "EXPERIMENT_ID")
        String experimentId;

        @Option(
                names = "--workflow",
                paramLabel = "WORKFLOW_ID",
                description = "The experiment's workflow id (checked by the server)")
        String workflow;

        @Override
        public Integer call() throws Exception {
            ExperimentRun run = root().client()
                    .workflows()
                    .experiments()
                    .runs()
                    .create(new CreateExperimentRunRequest()
                            .experimentId(experimentId)
                            .workflowId(workflow));
            if (waitForEnd) {
                return RunWaiting.waitAndReport(this, run.getId(), waiting.timeout);
            }
            if (json()) {
                return printAnswer("POST", run);
            }
            Output.run(out(), run);
            return ExprunCli.Exit.OK;
        }
    }

    @Command(name = "cancel", description = "Cancel a pending, queued or running run and its unfinished results.")
    static final class Cancel extends ApiCommand {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Override
        public Integer call() throws Exception {
            var cancelled = root().client().workflows().experiments().runs().cancel(runId);
            if (json()) {
                // A retried cancel whose earlier attempt went through ends with the client reading the run back:
                // then the cancel answer is that run's id, lifecycle and timing, still as the server sent them.
                return printAnswer(
                        "POST",
                        root().wire()
                                .last()
                                .map(x -> cancelAnswerFrom(x.bodyText()))
                                .orElse(null));
            }
            RunLifecycle lifecycle = RunLifecycle.of(cancelled.getLifecycle());
            String reason = lifecycle instanceof RunLifecycle.Cancelled c ? c.reason() : lifecycle.status();
            out().println("cancelled " + cancelled.getId() + " (" + reason + ") at "
                    + Output.time(
                            cancelled.getTiming() == null
                                    ? null
                                    : cancelled.getTiming().getCompletedAt()));
            out().flush();
            return ExprunCli.Exit.OK;
        }

        private static JsonNode cancelAnswerFrom(String runJson) {
            try {
                JsonNode run = new ObjectMapper().readTree(runJson);
                ObjectNode answer = new ObjectMapper().createObjectNode();
                answer.set("id", run.get("id"));
                answer.set("lifecycle", run.get("lifecycle"));
                answer.set("timing", run.get("timing"));
                return answer;
            } catch (Exception notJson) {
                return null;
            }
        }
    }

    @Command(name = "results", description = "One page of a run's per-document results, in document order.")
    static final class Results extends ApiCommand {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "100",
                description = "Page size, 1-100 (default: ${DEFAULT-VALUE})")
        Integer limit;

        @Option(
                names = "--after",
                paramLabel = "CURSOR",
                description = "The next page: list_metadata.after of this one")
        String after;

        @Override
        public Integer call() throws Exception {
            ExperimentResultList page =
                    root().client().workflows().experiments().results().page(runId, after, limit);
            if (json()) {
                return printAnswer("GET", page);
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"RESULT", "DOCUMENT", "STATUS", "DETAIL", "DURATION"});
            for (ExperimentResult r : page.getData()) {
                RunLifecycle l = RunLifecycle.of(r.getLifecycle());
                String detail = l instanceof RunLifecycle.Failed f
                        ? f.message()
                        : l instanceof RunLifecycle.Cancelled c ? String.valueOf(c.reason()) : "";
                rows.add(new String[] {r.getId(), r.getDocumentId(), l.status(), detail, Output.duration(r.getTiming())
                });
            }
            Output.table(out(), rows);
            moreHint(
                    page.getListMetadata() == null
                            ? null
                            : page.getListMetadata().getAfter());
            return ExprunCli.Exit.OK;
        }
    }

    /** The statuses of the spec, for help texts (not the generator's catch-all for values from newer servers). */
    static final class KnownStatuses implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(LifecycleStatus.values())
                    .filter(s -> s != LifecycleStatus.UNKNOWN_DEFAULT_OPEN_API)
                    .map(LifecycleStatus::getValue)
                    .iterator();
        }
    }
}
