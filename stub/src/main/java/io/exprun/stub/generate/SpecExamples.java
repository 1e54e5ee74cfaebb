package io.exprun.stub.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    static boolean cancellable(String status) {
        return List.of("pending", "queued", "running").contains(status);
    }

    JsonNode runLifecycle(String status) {
        return switch (status) {
            case "error" -> ok(RUN, "get").path("lifecycle").deepCopy();
            case "cancelled" -> ok(CANCEL, "post").path("lifecycle").deepCopy();
            default -> F.objectNode().put("status", status);
        };
    }

    /** The get-run example, in {@code status}, with {@code id}. */
    ObjectNode run(String status, String id) {
        ObjectNode run = (ObjectNode) ok(RUN, "get");
        run.put("id", id);
        run.set("lifecycle", runLifecycle(status));
        ObjectNode timing = status.equals("cancelled")
                ? (ObjectNode) ok(CANCEL, "post").path("timing").deepCopy()
                : (ObjectNode) run.path("timing");
        if (!List.of("completed", "error", "cancelled").contains(status)) {
            timing.putNull("completed_at").putNull("duration_ms");
        }
        if (status.equals("pending") || status.equals("queued")) {
            timing.putNull("started_at");
        }
        run.set("timing", timing);
        int total = run.path("total_document_count").asInt();
        run.put(
                "completed_document_count",
                switch (status) {
                    case "pending", "queued" -> 0;
                    case "completed" -> total;
                    case "error" -> total - 1;
                    default -> 2;
                });
        run.put("error_count", status.equals("error") ? 1 : 0);
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
    ObjectNode results(String status, String runId) {
        List<String> statuses = switch (status) {
            case "pending", "queued" -> List.of("pending", "pending");
            case "running" -> List.of("completed", "running");
            case "completed" -> List.of("completed", "completed");
            case "error" -> List.of("completed", "error");
            default -> List.of("completed", "cancelled");
        };
        ObjectNode list = (ObjectNode) ok(RESULTS, "get");
        ObjectNode template = (ObjectNode) list.path("data").path(0);
        ArrayNode data = F.arrayNode();
        for (int i = 0; i < statuses.size(); i++) {
            ObjectNode result = template.deepCopy();
            result.put("id", "expres_" + (i + 1))
                    .put("experiment_run_id", runId)
                    .put("document_id", "doc_" + (i + 1));
            String s = statuses.get(i);
            result.set(
                    "lifecycle",
                    s.equals("error") || s.equals("cancelled")
                            ? runLifecycle(s)
                            : F.objectNode().put("status", s));
            ObjectNode timing = (ObjectNode) result.path("timing");
            switch (s) {
                case "pending" ->
                    timing.putNull("started_at").putNull("completed_at").putNull("duration_ms");
                case "running" ->
                    timing.put("started_at", "2026-05-18T10:00:03Z")
                            .putNull("completed_at")
                            .putNull("duration_ms");
                case "completed", "error" ->
                    timing.put("started_at", "2026-05-18T10:00:01Z")
                            .put("completed_at", "2026-05-18T10:00:03Z")
                            .put("duration_ms", 2000);
                default -> {} // cancelled before it started: the results example as it is
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
                "run_not_found", "Run " + id + " not found", F.objectNode().put("run_id", id));
    }

    ObjectNode notCancellable(String status, String id) {
        return notFound(
                "run_not_cancellable",
                "Run " + id + " is " + status + " and can no longer be cancelled",
                F.objectNode().put("run_id", id).put("status", status));
    }

    ObjectNode unauthorized() {
        ObjectNode body = (ObjectNode) response("Unauthorized");
        ((ObjectNode) body.path("detail")).put("message", "Invalid API key");
        return body;
    }

    /** 429 is not in the contract; its body uses the contract's error envelope. */
    ObjectNode rateLimited() {
        ObjectNode body = (ObjectNode) response("Unauthorized");
        ((ObjectNode) body.path("detail"))
                .put("code", "rate_limited")
                .put("message", "Too many requests: retry after 1 s");
        return body;
    }
}
