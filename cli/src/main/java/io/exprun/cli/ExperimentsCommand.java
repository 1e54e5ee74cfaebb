package io.exprun.cli;

import io.exprun.client.ExperimentQuery;
import io.exprun.client.generated.model.BlockType;
import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.ExperimentDocumentCapture;
import io.exprun.client.generated.model.ExplicitExperimentDocument;
import io.exprun.client.generated.model.HandleDocument;
import io.exprun.client.generated.model.HandlePayload;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.client.generated.model.WorkflowExperimentList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exprun experiments …} (contract 0.2.0), in the manner of {@link RunsCommand}: one call through the client per
 * command, {@code --json} prints the answer's bytes as the server sent them, otherwise a table made from the same
 * answer. A delete is answered 204 without a body; with {@code --json} it prints {@code {"id":…,"deleted":true}}, made
 * by the CLI, so that stdout still carries JSON.
 *
 * <p>Over 250 lines on purpose: picocli wants the five subcommands as classes, and most of the lines are their option
 * declarations, which read best beside the one call each makes.
 */
@Command(
        name = "experiments",
        description = "Experiments: which block of which workflow runs over which documents.",
        subcommands = {
            ExperimentsCommand.ListExperiments.class,
            ExperimentsCommand.Get.class,
            ExperimentsCommand.Create.class,
            ExperimentsCommand.Update.class,
            ExperimentsCommand.Delete.class
        })
final class ExperimentsCommand implements Runnable, ApiCommand.Group {

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
                spec.commandLine(), "Missing command: one of list, get, create, update, delete");
    }

    @Command(name = "list", description = "One page of experiments, newest first.")
    static final class ListExperiments extends ApiCommand {
        @Option(names = "--workflow-id", paramLabel = "WORKFLOW_ID", description = "Only experiments of this workflow")
        String workflowId;

        @Option(names = "--block-id", paramLabel = "BLOCK_ID", description = "Only experiments of this block")
        String blockId;

        @Option(names = "--limit", paramLabel = "N", description = "Page size, 1-100 (server default: 20)")
        Integer limit;

        @Option(
                names = "--after",
                paramLabel = "CURSOR",
                description = "The next page: list_metadata.after of this one")
        String after;

        @Override
        public Integer call() throws Exception {
            ExperimentQuery query = ExperimentQuery.all().workflowId(workflowId).blockId(blockId);
            WorkflowExperimentList page = root().client()
                    .workflows()
                    .experiments()
                    .page(limit == null ? query : query.pageSize(limit), after);
            if (json()) {
                return printAnswer("GET", page);
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "NAME", "WORKFLOW", "BLOCK", "DOCS", "LAST RUN", "UPDATED"});
            for (WorkflowExperiment e : page.getData()) {
                rows.add(new String[] {
                    e.getId(),
                    e.getName(),
                    e.getWorkflowId(),
                    e.getBlockId(),
                    String.valueOf(e.getDocumentCount()),
                    e.getLastRunId() == null ? "-" : e.getLastRunId(),
                    Output.time(e.getUpdatedAt())
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

    @Command(name = "get", description = "Show one experiment.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "EXPERIMENT_ID")
        String experimentId;

        @Override
        public Integer call() throws Exception {
            WorkflowExperiment experiment =
                    root().client().workflows().experiments().get(experimentId);
            if (json()) {
                return printAnswer("GET", experiment);
            }
            Output.experiment(out(), experiment);
            return ExprunCli.Exit.OK;
        }
    }

    @Command(
            name = "create",
            description = "Create an experiment: its documents come from --document, --capture-run and --source "
                    + "(none makes a draft, whose runs are refused until it has some).")
    static final class Create extends ApiCommand {
        @Option(names = "--workflow-id", required = true, paramLabel = "WORKFLOW_ID", description = "The workflow")
        String workflowId;

        @Option(names = "--name", paramLabel = "NAME", description = "Default: 'Experiment of WORKFLOW_ID'")
        String name;

        @Option(names = "--block-id", paramLabel = "BLOCK_ID", description = "The block a run executes")
        String blockId;

        @Option(
                names = "--block-type",
                paramLabel = "TYPE",
                completionCandidates = KnownBlockTypes.class,
                description = "${COMPLETION-CANDIDATES} (default: extract, or the source experiment's)")
        BlockType blockType;

        @Option(names = "--n-consensus", paramLabel = "N", description = "3, 5 or 7 (default: 3)")
        Integer nConsensus;

        @Option(
                names = "--document",
                paramLabel = "ID[:FILENAME[:MIME]]",
                converter = DocumentConverter.class,
                description = "A document (repeat for more), e.g. doc_1:invoice.pdf:application/pdf")
        List<ExplicitExperimentDocument> documents;

        @Option(
                names = "--capture-run",
                paramLabel = "RUN_ID",
                description = "Take the documents of this earlier run (repeat for more)")
        List<String> captureRuns;

        @Option(
                names = "--source",
                paramLabel = "EXPERIMENT_ID",
                description = "Duplicate this experiment: its settings and documents are the defaults")
        String source;

        @Option(
                names = "--idempotency-key",
                paramLabel = "KEY",
                description = "Makes the create safe to repeat: the same key and options give the same experiment "
                        + "(default: a fresh key, used for the client's own retries)")
        String idempotencyKey;

        @Override
        public Integer call() throws Exception {
            CreateExperimentRequest request = new CreateExperimentRequest()
                    .workflowId(workflowId)
                    .name(name)
                    .blockId(blockId)
                    .blockType(blockType)
                    .nConsensus(consensus(spec, nConsensus, CreateExperimentRequest.NConsensusEnum::fromValue))
                    .documents(documents)
                    .documentCaptures(captures(captureRuns))
                    .sourceExperimentId(source);
            WorkflowExperiment created = idempotencyKey == null
                    ? root().client().workflows().experiments().create(request)
                    : root().client()
                            .workflows()
                            .experiments()
                            .create(
                                    request,
                                    io.exprun.client.RequestOptions.none().idempotencyKey(idempotencyKey));
            if (json()) {
                return printAnswer("POST", created);
            }
            Output.experiment(out(), created);
            return ExprunCli.Exit.OK;
        }
    }

    @Command(name = "update", description = "Change an experiment; options left out stay as they are.")
    static final class Update extends ApiCommand {
        @Parameters(paramLabel = "EXPERIMENT_ID")
        String experimentId;

        @Option(names = "--name", paramLabel = "NAME", description = "A new name")
        String name;

        @Option(names = "--n-consensus", paramLabel = "N", description = "3, 5 or 7")
        Integer nConsensus;

        @Option(
                names = "--document",
                paramLabel = "ID[:FILENAME[:MIME]]",
                converter = DocumentConverter.class,
                description = "The documents (repeat for more): they replace the experiment's")
        List<ExplicitExperimentDocument> documents;

        @Option(
                names = "--capture-run",
                paramLabel = "RUN_ID",
                description = "Take the documents of this earlier run (repeat for more); they replace the experiment's")
        List<String> captureRuns;

        @Override
        public Integer call() throws Exception {
            WorkflowExperiment changed = root().client()
                    .workflows()
                    .experiments()
                    .update(
                            experimentId,
                            new UpdateExperimentRequest()
                                    .name(name)
                                    .nConsensus(consensus(
                                            spec, nConsensus, UpdateExperimentRequest.NConsensusEnum::fromValue))
                                    .documents(documents)
                                    .documentCaptures(captures(captureRuns)));
            if (json()) {
                return printAnswer("PATCH", changed);
            }
            Output.experiment(out(), changed);
            return ExprunCli.Exit.OK;
        }
    }

    @Command(
            name = "delete",
            description = "Delete an experiment. Refused (exit 1, 409) while one of its runs is active: cancel that "
                    + "run (exprun runs cancel RUN_ID), then delete again.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "EXPERIMENT_ID")
        String experimentId;

        @Override
        public Integer call() {
            root().client().workflows().experiments().delete(experimentId);
            if (json()) {
                // the API answers 204 without a body: this document is the CLI's own
                Output.raw(
                        out(),
                        root().client()
                                .apiClient()
                                .getObjectMapper()
                                .createObjectNode()
                                .put("id", experimentId)
                                .put("deleted", true)
                                .toString());
                return ExprunCli.Exit.OK;
            }
            out().println("deleted " + experimentId);
            out().flush();
            return ExprunCli.Exit.OK;
        }
    }

    /** {@code --n-consensus}: one of the spec's values (3, 5, 7), else a usage error (the request model has no other). */
    private static <E> E consensus(CommandLine.Model.CommandSpec spec, Integer n, Function<Integer, E> fromValue) {
        if (n == null) {
            return null;
        }
        E value = fromValue.apply(n);
        if (value == null || !value.toString().equals(n.toString())) { // null, or the generator's unknown value
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--n-consensus': " + n + " is not 3, 5 or 7");
        }
        return value;
    }

    private static List<ExperimentDocumentCapture> captures(List<String> runIds) {
        return runIds == null
                ? null
                : runIds.stream()
                        .map(id -> new ExperimentDocumentCapture().runId(id))
                        .toList();
    }

    /** {@code ID[:FILENAME[:MIME]]} → a file document, as a run's block receives it. */
    static final class DocumentConverter implements CommandLine.ITypeConverter<ExplicitExperimentDocument> {
        @Override
        public ExplicitExperimentDocument convert(String value) {
            String[] parts = value.split(":", 3);
            if (parts[0].isBlank()) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' names no document: give ID[:FILENAME[:MIME]], e.g. doc_1:a.pdf:application/pdf");
            }
            HandleDocument document = new HandleDocument()
                    .id(parts[0])
                    .filename(parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null)
                    .mimeType(parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null);
            return new ExplicitExperimentDocument()
                    .handleInputs(Map.of(
                            "document",
                            new HandlePayload()
                                    .type(HandlePayload.TypeEnum.FILE)
                                    .document(document)));
        }
    }

    /** The block types of the spec, for help texts (not the generator's catch-all for values from newer servers). */
    static final class KnownBlockTypes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(BlockType.values())
                    .filter(t -> t != BlockType.UNKNOWN_DEFAULT_OPEN_API)
                    .map(BlockType::getValue)
                    .iterator();
        }
    }
}
