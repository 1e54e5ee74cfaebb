package io.exprun.stub.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.stub.generated.rules.ErrorCode;
import io.exprun.stub.generated.rules.LifecycleStatus;
import java.util.List;

/**
 * The stub's bodies, each derived from an example in the spec: a run in any lifecycle state is the get-run example
 * with its lifecycle, timing and counts changed to fit that state (the {@code error} and {@code cancelled} lifecycles
 * themselves are the spec's examples), the results of such a run are the results example with matching lifecycles,
 * and error bodies are the spec's response examples with their code and message for the case.
 *
 * <p>A little over 250 lines: every body the stub answers is derived from the spec's examples here, in one place.
 */
final class SpecExamples {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RUN = RUNS + "/{run_id}";
    static final String CANCEL = RUN + "/cancel";
    static final String RESULTS = "/v1/workflows/experiments/results";
    static final String RESULT = RESULTS + "/{result_id}";
    static final String EXPERIMENTS = "/v1/workflows/experiments";
    static final String EXPERIMENT = EXPERIMENTS + "/{experiment_id}";

    /** Echo the id the caller asked for (WireMock response templating). */
    static final String RUN_ID = "{{request.path.run_id}}";

    static final String RESULT_ID = "{{request.path.result_id}}";
    static final String QUERY_RUN_ID = "{{request.query.run_id}}";
    static final String EXPERIMENT_ID = "{{request.path.experiment_id}}";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final JsonNode spec;

    SpecExamples(JsonNode spec) {
        this.spec = spec;
    }

    /** The example of an operation's 200 answer. */
    JsonNode ok(String path, String method) {
        JsonNode example = spec.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path("200")
                .path("content")
                .path("application/json")
                .path("example");
        if (example.isMissingNode()) {
            throw new IllegalStateException(method + " " + path + " has no 200 example: the stub is built from them");
        }
        return example.deepCopy();
    }

    /** The example of a shared response ({@code Unauthorized}, {@code NotFound}, {@code ValidationFailed}). */
    JsonNode response(String name) {
        return spec.path("components")
                .path("responses")
                .path(name)
                .path("content")
                .path("application/json")
                .path("example")
                .deepCopy();
    }

    JsonNode runLifecycle(LifecycleStatus status) {
        return switch (status) {
            case ERROR -> ok(RUN, "get").path("lifecycle").deepCopy();
            case CANCELLED -> ok(CANCEL, "post").path("lifecycle").deepCopy();
            default -> F.objectNode().put("status", status.wire());
        };
    }

    /** The get-run example, in {@code status}, with {@code id}. */
    ObjectNode run(LifecycleStatus status, String id) {
        ObjectNode run = (ObjectNode) ok(RUN, "get");
        run.put("id", id);
        run.set("lifecycle", runLifecycle(status));
        ObjectNode timing = status == LifecycleStatus.CANCELLED
                ? (ObjectNode) ok(CANCEL, "post").path("timing").deepCopy()
                : (ObjectNode) run.path("timing");
        if (status.isActive()) {
            timing.putNull("completed_at").putNull("duration_ms");
        }
        if (status == LifecycleStatus.PENDING || status == LifecycleStatus.QUEUED) {
            timing.putNull("started_at");
        }
        run.set("timing", timing);
        int total = run.path("total_document_count").asInt();
        run.put(
                "completed_document_count",
                switch (status) {
                    case PENDING, QUEUED -> 0;
                    case COMPLETED -> total;
                    case ERROR -> total - 1;
                    default -> 2;
                });
        run.put("error_count", status == LifecycleStatus.ERROR ? 1 : 0);
        return run;
    }

    ObjectNode runList(List<ObjectNode> runs) {
        ObjectNode list = (ObjectNode) ok(RUNS, "get");
        ArrayNode data = list.putArray("data");
        runs.forEach(data::add);
        return list;
    }

    ObjectNode cancelled(String id) {
        ObjectNode cancelled = (ObjectNode) ok(CANCEL, "post");
        cancelled.put("id", id);
        return cancelled;
    }

    /** Two results of a run in {@code status}: what each document's lifecycle is at that point. */
    ObjectNode results(LifecycleStatus status, String runId) {
        // the first document done (unless the run never started), the second where the run is
        List<LifecycleStatus> statuses = switch (status) {
            case PENDING, QUEUED -> List.of(LifecycleStatus.PENDING, LifecycleStatus.PENDING);
            default -> List.of(LifecycleStatus.COMPLETED, status);
        };
        ObjectNode list = (ObjectNode) ok(RESULTS, "get");
        ObjectNode template = (ObjectNode) list.path("data").path(0);
        ArrayNode data = F.arrayNode();
        for (int i = 0; i < statuses.size(); i++) {
            ObjectNode result = template.deepCopy();
            result.put("id", "expres_" + (i + 1))
                    .put("experiment_run_id", runId)
                    .put("document_id", "doc_" + (i + 1));
            LifecycleStatus s = statuses.get(i);
            result.set("lifecycle", runLifecycle(s));
            ObjectNode timing = (ObjectNode) result.path("timing");
            switch (s) {
                case PENDING ->
                    timing.putNull("started_at").putNull("completed_at").putNull("duration_ms");
                case RUNNING ->
                    timing.put("started_at", "2026-05-18T10:00:03Z")
                            .putNull("completed_at")
                            .putNull("duration_ms");
                case COMPLETED, ERROR ->
                    timing.put("started_at", "2026-05-18T10:00:01Z")
                            .put("completed_at", "2026-05-18T10:00:03Z")
                            .put("duration_ms", 2000);
                default -> {} // cancelled before it started: the results example as it is (no other status here)
            }
            data.add(result);
        }
        list.set("data", data);
        return list;
    }

    ObjectNode emptyList(String path) {
        ObjectNode list = (ObjectNode) ok(path, "get");
        list.putArray("data");
        return list;
    }

    ObjectNode result(String id) {
        ObjectNode result = (ObjectNode) ok(RESULT, "get");
        result.put("id", id);
        return result;
    }

    /** The NotFound example's envelope with this case's code, message and details. */
    ObjectNode notFound(String code, String message, ObjectNode details) {
        ObjectNode body = (ObjectNode) response("NotFound");
        ((ObjectNode) body.path("detail"))
                .put("code", code)
                .put("message", message)
                .set("details", details);
        return body;
    }

    /** The get-experiment example with {@code id}. */
    ObjectNode experiment(String id) {
        ObjectNode experiment = (ObjectNode) ok(EXPERIMENT, "get");
        experiment.put("id", id);
        return experiment;
    }

    /** The update example (the experiment as it now is) with {@code id}. */
    ObjectNode updatedExperiment(String id) {
        ObjectNode experiment = (ObjectNode) ok(EXPERIMENT, "patch");
        experiment.put("id", id);
        return experiment;
    }

    /** The ExperimentNotFound example for {@code id}. */
    ObjectNode experimentNotFound(String id) {
        ObjectNode body = (ObjectNode) response("ExperimentNotFound");
        ((ObjectNode) body.path("detail"))
                .put("message", "Experiment " + id + " not found")
                .set("details", F.objectNode().put("experiment_id", id));
        return body;
    }

    /** The ExperimentHasActiveRun example for {@code id}, naming the example's run. */
    ObjectNode experimentHasActiveRun(String id) {
        ObjectNode body = (ObjectNode) response("ExperimentHasActiveRun");
        ObjectNode detail = (ObjectNode) body.path("detail");
        String run = detail.at("/details/run_id").asText();
        detail.put(
                "message",
                "Experiment " + id + " has run " + run + " still running: cancel it first (POST " + RUNS + "/" + run
                        + "/cancel)");
        ((ObjectNode) detail.path("details")).put("experiment_id", id);
        return body;
    }

    /** The PreconditionFailed example for experiment {@code id}, whose ETag is {@code etag}. */
    ObjectNode preconditionFailed(String id, String etag) {
        ObjectNode body = (ObjectNode) response("PreconditionFailed");
        ((ObjectNode) body.path("detail"))
                .put("message", "Experiment " + id + " has changed since the ETag given in If-Match: read it again")
                .set("details", F.objectNode().put("experiment_id", id).put("etag", etag));
        return body;
    }

    ObjectNode runNotFound(String id) {
        return notFound(
                ErrorCode.RUN_NOT_FOUND.wire(),
                "Run " + id + " not found",
                F.objectNode().put("run_id", id));
    }

    ObjectNode notCancellable(LifecycleStatus status, String id) {
        return notFound(
                ErrorCode.RUN_NOT_CANCELLABLE.wire(),
                "Run " + id + " is " + status.wire() + " and can no longer be cancelled",
                F.objectNode().put("run_id", id).put("status", status.wire()));
    }

    ObjectNode unauthorized() {
        ObjectNode body = (ObjectNode) response("Unauthorized");
        ((ObjectNode) body.path("detail")).put("message", "Invalid API key");
        return body;
    }

    /** The spec's 429: the server at capacity ({@code overloaded}). */
    ObjectNode overloaded() {
        return (ObjectNode) response("Overloaded");
    }
}
