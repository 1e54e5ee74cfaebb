package io.exprun.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.generated.model.BlockType;
import io.exprun.server.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.server.generated.model.CancelledWorkflowExperimentResult;
import io.exprun.server.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.server.generated.model.CompletedWorkflowExperimentResult;
import io.exprun.server.generated.model.CompletedWorkflowExperimentRun;
import io.exprun.server.generated.model.ErrorDetails;
import io.exprun.server.generated.model.ErrorWorkflowExperimentResult;
import io.exprun.server.generated.model.ErrorWorkflowExperimentRun;
import io.exprun.server.generated.model.ExperimentResult;
import io.exprun.server.generated.model.ExperimentResultList;
import io.exprun.server.generated.model.ExperimentRun;
import io.exprun.server.generated.model.ExperimentRunList;
import io.exprun.server.generated.model.ExperimentRunTrigger;
import io.exprun.server.generated.model.HandleDocument;
import io.exprun.server.generated.model.HandlePayload;
import io.exprun.server.generated.model.ListMetadata;
import io.exprun.server.generated.model.PendingWorkflowExperimentResult;
import io.exprun.server.generated.model.PendingWorkflowExperimentRun;
import io.exprun.server.generated.model.QueuedWorkflowExperimentResult;
import io.exprun.server.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.server.generated.model.ResultArtifact;
import io.exprun.server.generated.model.RunningWorkflowExperimentResult;
import io.exprun.server.generated.model.RunningWorkflowExperimentRun;
import io.exprun.server.generated.model.Timing;
import io.exprun.server.generated.model.WorkflowExperimentResultLifecycle;
import io.exprun.server.generated.model.WorkflowExperimentRunLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Domain → generated wire models. The only place that knows both. */
public final class ModelMapper {

    private final ObjectMapper json;

    public ModelMapper(ObjectMapper json) {
        this.json = json;
    }

    public CancelWorkflowExperimentRunResponse cancelResponse(Run run) {
        return new CancelWorkflowExperimentRunResponse()
                .id(run.id())
                .lifecycle(runLifecycle(run.lifecycle()))
                .timing(timing(run.createdAt(), run.startedAt(), run.completedAt()));
    }

    public ExperimentRun run(Run run) {
        return new ExperimentRun()
                .id(run.id())
                .workflowId(run.workflowId())
                .workflowVersionId(run.workflowVersionId())
                .trigger(new ExperimentRunTrigger().type(run.triggerType()))
                .experimentId(run.experimentId())
                .blockId(run.blockId())
                .blockType(BlockType.fromValue(run.blockType()))
                .nConsensus(ExperimentRun.NConsensusEnum.fromValue(run.nConsensus()))
                .lifecycle(runLifecycle(run.lifecycle()))
                .timing(timing(run.createdAt(), run.startedAt(), run.completedAt()))
                .blockExecutionFingerprint(run.blockExecutionFingerprint())
                .documentsFingerprint(run.documentsFingerprint())
                .totalDocumentCount(run.documentCount())
                .documentCount(run.documentCount())
                .completedDocumentCount(run.completedDocumentCount())
                .errorCount(run.errorCount());
    }

    public ExperimentRunList runs(Page<Run> page) {
        return new ExperimentRunList()
                .data(page.items().stream().map(this::run).toList())
                .listMetadata(new ListMetadata().before(page.before()).after(page.after()));
    }

    public ExperimentResult result(Result r) {
        ExperimentResult out = new ExperimentResult()
                .id(r.id())
                .experimentRunId(r.runId())
                .experimentId(r.experimentId())
                .documentId(r.document().id())
                .lifecycle(resultLifecycle(r.lifecycle()))
                .timing(timing(r.createdAt(), r.startedAt(), r.completedAt()))
                .blockType(BlockType.fromValue(r.blockType()))
                .attempt(r.attempt())
                .handleInputs(Map.of(
                        "document",
                        new HandlePayload()
                                .type(HandlePayload.TypeEnum.FILE)
                                .document(new HandleDocument()
                                        .id(r.document().id())
                                        .filename(r.document().filename())
                                        .mimeType(r.document().mimeType()))));
        if (r.status() == LifecycleStatus.COMPLETED && r.outputJson() != null) {
            out.handleOutputs(Map.of(
                    "data",
                    new HandlePayload().type(HandlePayload.TypeEnum.JSON).data(parse(r.outputJson()))));
            out.artifact(
                    new ResultArtifact().operation(operationOf(r.blockType())).id("artifact_" + r.id()));
        }
        return out;
    }

    public ExperimentResultList results(Page<Result> page) {
        return new ExperimentResultList()
                .data(page.items().stream().map(this::result).toList())
                .listMetadata(new ListMetadata().before(page.before()).after(page.after()));
    }

    WorkflowExperimentRunLifecycle runLifecycle(Lifecycle l) {
        return switch (l.status()) {
            case PENDING -> new PendingWorkflowExperimentRun();
            case QUEUED -> new QueuedWorkflowExperimentRun();
            case RUNNING -> new RunningWorkflowExperimentRun();
            case COMPLETED -> new CompletedWorkflowExperimentRun();
            case ERROR ->
                new ErrorWorkflowExperimentRun().message(messageOrDefault(l)).details(details(l.details()));
            case CANCELLED -> new CancelledWorkflowExperimentRun().reason(l.reason());
        };
    }

    WorkflowExperimentResultLifecycle resultLifecycle(Lifecycle l) {
        return switch (l.status()) {
            case PENDING -> new PendingWorkflowExperimentResult();
            case QUEUED -> new QueuedWorkflowExperimentResult();
            case RUNNING -> new RunningWorkflowExperimentResult();
            case COMPLETED -> new CompletedWorkflowExperimentResult();
            case ERROR ->
                new ErrorWorkflowExperimentResult().message(messageOrDefault(l)).details(details(l.details()));
            case CANCELLED -> new CancelledWorkflowExperimentResult().reason(l.reason());
        };
    }

    private static String messageOrDefault(Lifecycle l) {
        return l.message() != null ? l.message() : "(no message)";
    }

    private static ErrorDetails details(ErrorInfo e) {
        if (e == null) {
            return null;
        }
        return new ErrorDetails()
                .message(e.message())
                .stackTrace(e.stackTrace())
                .blockId(e.blockId())
                .blockName(e.blockName())
                .errorCode(e.errorCode())
                .context(e.context());
    }

    private static Timing timing(Instant created, Instant started, Instant completed) {
        Long duration = started != null && completed != null
                ? Duration.between(started, completed).toMillis()
                : null;
        return new Timing()
                .createdAt(utc(created))
                .startedAt(utc(started))
                .completedAt(utc(completed))
                .durationMs(duration);
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    /** What produced a result's artifact, by block type (a switch over the spec's enum, so a new type is seen). */
    private static String operationOf(String blockType) {
        BlockType type = BlockType.fromValue(blockType);
        return switch (type) {
            case EXTRACT -> "extraction";
            case CLASSIFIER -> "classification";
            default -> type.toString();
        };
    }

    private Object parse(String outputJson) {
        try {
            return json.readTree(outputJson);
        } catch (JsonProcessingException e) {
            return outputJson; // stored by an executor that did not produce JSON: hand it over as a string
        }
    }
}
