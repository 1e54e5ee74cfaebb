package io.exprun.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.exprun.client.CancelledRun;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.Timing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code exprun runs list|get|create|cancel|results}: the experiment-runs API for people, as tables, or as JSON with
 * {@code --json}. Exit status: 0 done, 1 the API said no (message on stderr), 2 bad usage.
 */
@Command(name = "exprun", mixinStandardHelpOptions = true, version = "exprun 0.1.0",
        description = "Create, inspect and cancel experiment runs.",
        subcommands = ExprunCli.Runs.class)
public final class ExprunCli {

    @Option(names = "--url", description = "Base URL of the exprun server (default: $EXPRUN_BASE_URL or http://127.0.0.1:8080)")
    String url;

    @Option(names = "--api-key", description = "API key (default: $EXPRUN_API_KEY)")
    String apiKey;

    @Option(names = "--json", description = "Print the API's JSON instead of a table", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    private ExprunClient client;

    ExprunClient client() {
        if (client == null) {
            ExprunClient.Builder b = ExprunClient.builder();
            if (url != null) {
                b.baseUrl(url);
            }
            if (apiKey != null) {
                b.apiKey(apiKey);
            }
            client = b.build();
        }
        return client;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ExprunCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ExprunException api) {
                cmd.getErr().println("exprun: " + api.getMessage()
                        + api.requestId().map(id -> " (request id " + id + ")").orElse(""));
                return 1;
            }
            throw e;
        });
        return cli;
    }

    @Command(name = "runs", description = "Experiment runs.", mixinStandardHelpOptions = true,
            subcommands = {Runs.ListRuns.class, Runs.Get.class, Runs.Create.class, Runs.Cancel.class, Runs.Results.class})
    static final class Runs {
        @CommandLine.ParentCommand
        ExprunCli root;

        @Command(name = "list", description = "List runs, newest first.")
        static final class ListRuns extends Sub {
            @Option(names = "--status", description = "Only this status: ${COMPLETION-CANDIDATES}")
            LifecycleStatus status;
            @Option(names = "--experiment", description = "Only runs of this experiment")
            String experiment;
            @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE})")
            int limit;

            @Override
            public Integer call() throws Exception {
                RunQuery q = RunQuery.all().status(status).experimentId(experiment).pageSize(Math.min(limit, 100));
                List<ExperimentRun> runs = root().client().runs(q).limit(limit).toList();
                if (root().json) {
                    return printJson(runs);
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[]{"ID", "STATUS", "EXPERIMENT", "DOCS", "ERRORS", "CREATED"});
                for (ExperimentRun r : runs) {
                    rows.add(new String[]{r.getId(), RunLifecycle.of(r.getLifecycle()).status(), r.getExperimentId(),
                            r.getCompletedDocumentCount() + "/" + r.getDocumentCount(), String.valueOf(r.getErrorCount()),
                            time(r.getTiming() == null ? null : r.getTiming().getCreatedAt())});
                }
                table(rows);
                return 0;
            }
        }

        @Command(name = "get", description = "Show one run.")
        static final class Get extends Sub {
            @Parameters(paramLabel = "RUN_ID")
            String runId;

            @Override
            public Integer call() throws Exception {
                ExperimentRun run = root().client().getRun(runId);
                return root().json ? printJson(run) : printRun(run);
            }
        }

        @Command(name = "create", description = "Start a run of an experiment.")
        static final class Create extends Sub {
            @Parameters(paramLabel = "EXPERIMENT_ID")
            String experimentId;
            @Option(names = "--workflow", description = "The experiment's workflow id (checked by the server)")
            String workflow;

            @Override
            public Integer call() throws Exception {
                ExperimentRun run = root().client().createRun(
                        new CreateExperimentRunRequest().experimentId(experimentId).workflowId(workflow));
                return root().json ? printJson(run) : printRun(run);
            }
        }

        @Command(name = "cancel", description = "Cancel a pending, queued or running run and its unfinished results.")
        static final class Cancel extends Sub {
            @Parameters(paramLabel = "RUN_ID")
            String runId;

            @Override
            public Integer call() throws Exception {
                CancelledRun cancelled = root().client().cancel(runId);
                if (root().json) {
                    return printJson(cancelled);
                }
                out().println("cancelled " + cancelled.runId() + " (" + cancelled.lifecycle().reason() + ") at "
                        + time(cancelled.timing() == null ? null : cancelled.timing().getCompletedAt()));
                return 0;
            }
        }

        @Command(name = "results", description = "The per-document results of a run.")
        static final class Results extends Sub {
            @Parameters(paramLabel = "RUN_ID")
            String runId;

            @Override
            public Integer call() throws Exception {
                List<ExperimentResult> results = root().client().results(runId).toList();
                if (root().json) {
                    return printJson(results);
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[]{"RESULT", "DOCUMENT", "STATUS", "DETAIL", "DURATION"});
                for (ExperimentResult r : results) {
                    RunLifecycle l = RunLifecycle.of(r.getLifecycle());
                    String detail = l instanceof RunLifecycle.Failed f ? f.message()
                            : l instanceof RunLifecycle.Cancelled c ? String.valueOf(c.reason()) : "";
                    rows.add(new String[]{r.getId(), r.getDocumentId(), l.status(), detail, duration(r.getTiming())});
                }
                table(rows);
                return 0;
            }
        }

        /** What every runs subcommand shares: the root options, output, formatting. */
        abstract static class Sub implements Callable<Integer> {
            @CommandLine.ParentCommand
            Runs runs;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            ExprunCli root() {
                return runs.root;
            }

            PrintWriter out() {
                return spec.commandLine().getOut();
            }

            int printJson(Object value) throws Exception {
                ObjectMapper mapper = root().client().apiClient().getObjectMapper().copy()
                        .enable(SerializationFeature.INDENT_OUTPUT);
                out().println(mapper.writeValueAsString(value));
                return 0;
            }

            int printRun(ExperimentRun r) {
                RunLifecycle l = RunLifecycle.of(r.getLifecycle());
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[]{"id", r.getId()});
                rows.add(new String[]{"status", l.status()});
                if (l instanceof RunLifecycle.Failed f) {
                    rows.add(new String[]{"error", f.message()});
                }
                if (l instanceof RunLifecycle.Cancelled c) {
                    rows.add(new String[]{"reason", String.valueOf(c.reason())});
                }
                rows.add(new String[]{"experiment", r.getExperimentId()});
                rows.add(new String[]{"workflow", r.getWorkflowId() + " (" + r.getWorkflowVersionId() + ")"});
                rows.add(new String[]{"block", r.getBlockId() + " (" + r.getBlockType() + ")"});
                rows.add(new String[]{"documents", r.getCompletedDocumentCount() + "/" + r.getDocumentCount()
                        + " done, " + r.getErrorCount() + " failed"});
                rows.add(new String[]{"created", time(r.getTiming().getCreatedAt())});
                rows.add(new String[]{"started", time(r.getTiming().getStartedAt())});
                rows.add(new String[]{"finished", time(r.getTiming().getCompletedAt())});
                for (String[] row : rows) {
                    out().printf("%-11s %s%n", row[0], row[1]);
                }
                return 0;
            }

            void table(List<String[]> rows) {
                int[] widths = new int[rows.get(0).length];
                for (String[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
                    }
                }
                for (String[] row : rows) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < row.length; i++) {
                        line.append(String.format("%-" + widths[i] + "s", row[i] == null ? "" : row[i]));
                        if (i < row.length - 1) {
                            line.append("  ");
                        }
                    }
                    out().println(line.toString().stripTrailing());
                }
            }

            static String time(OffsetDateTime t) {
                return t == null ? "-" : t.withOffsetSameInstant(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'"));
            }

            static String duration(Timing t) {
                return t == null || t.getDurationMs() == null ? "-" : t.getDurationMs() + " ms";
            }
        }
    }
}
