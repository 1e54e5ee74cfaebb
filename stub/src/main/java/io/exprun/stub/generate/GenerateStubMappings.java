package io.exprun.stub.generate;

import static io.exprun.stub.generate.SpecExamples.CANCEL;
import static io.exprun.stub.generate.SpecExamples.EXPERIMENT;
import static io.exprun.stub.generate.SpecExamples.EXPERIMENTS;
import static io.exprun.stub.generate.SpecExamples.EXPERIMENT_ID;
import static io.exprun.stub.generate.SpecExamples.QUERY_RUN_ID;
import static io.exprun.stub.generate.SpecExamples.RESULT;
import static io.exprun.stub.generate.SpecExamples.RESULTS;
import static io.exprun.stub.generate.SpecExamples.RESULT_ID;
import static io.exprun.stub.generate.SpecExamples.RUN;
import static io.exprun.stub.generate.SpecExamples.RUNS;
import static io.exprun.stub.generate.SpecExamples.RUN_ID;
import static io.exprun.stub.generated.rules.LifecycleStatus.COMPLETED;
import static io.exprun.stub.generated.rules.LifecycleStatus.PENDING;
import static io.exprun.stub.generated.rules.LifecycleStatus.QUEUED;
import static io.exprun.stub.generated.rules.LifecycleStatus.RUNNING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.exprun.stub.Scenario;
import io.exprun.stub.generated.rules.ErrorCode;
import io.exprun.stub.generated.rules.LifecycleStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Build step (exec-maven-plugin, process-classes): reads openapi/experiment-runs.yaml and writes, under
 * target/classes/io/exprun/stub, one WireMock mapping file per {@link Scenario} ({@code scenarios/NAME.json}) and the
 * spec in OpenAPI 3.0's words that the stub validates requests with ({@code openapi-3.0.json}, {@link OpenApi30View}). Nothing here is hand-written JSON: every body comes
 * from the spec's examples through {@link SpecExamples}.
 *
 * <p>A {@code RUN_<status>} scenario is a small state machine (WireMock scenario {@code exprun}): in state
 * {@code Started} every operation answers as for a run in that status; a cancel of a cancellable run moves it to state
 * {@code cancelled}, where reads see the cancelled run and a second cancel is {@code run_not_cancellable}.
 *
 * <p>The experiments operations (contract 0.2.0) answer their examples in every scenario about runs (in any state:
 * their mappings name none), any experiment id echoed; {@code EXPERIMENT_NOT_FOUND} and
 * {@code EXPERIMENT_HAS_ACTIVE_RUN} are theirs. Their by-id mappings ({@code /v1/workflows/experiments/{id}}) have a
 * lower priority than the literal paths beside them ({@code …/runs}, {@code …/results}), which the template would
 * match too.
 *
 * <p>Over 250 lines because every scenario's mappings are made here, side by side, so that what each scenario answers
 * reads as one table.
 */
public final class GenerateStubMappings {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String STARTED = "Started";
    /** Every operation of the contract, as [method, path template]. */
    private static final List<String[]> OPERATIONS = List.of(
            new String[] {"GET", RUNS},
            new String[] {"POST", RUNS},
            new String[] {"GET", RUN},
            new String[] {"POST", CANCEL},
            new String[] {"GET", RESULTS},
            new String[] {"GET", RESULT},
            new String[] {"GET", EXPERIMENTS},
            new String[] {"POST", EXPERIMENTS},
            new String[] {"GET", EXPERIMENT},
            new String[] {"PATCH", EXPERIMENT},
            new String[] {"DELETE", EXPERIMENT});
    /** WireMock's priority (1 is the highest; unset is 5) of the by-id experiment mappings: below the literal paths. */
    private static final int BY_ID_PRIORITY = 9;
    /** The WireMock scenario states of EXPERIMENT_HAS_ACTIVE_RUN after the cancel and after the delete. */
    private static final String CANCELLED = LifecycleStatus.CANCELLED.wire();

    private static final String DELETED = "deleted";
    /** WireMock's priority of a conditional answer (304, 412) and of a wait: above the plain answer beside it. */
    private static final int CONDITIONAL_PRIORITY = 3;
    /** The ETag of every experiment and result the stub answers: it keeps no state for them. */
    static final String STEADY_ETAG = "\"1\"";

    private final SpecExamples examples;

    private GenerateStubMappings(JsonNode spec) {
        this.examples = new SpecExamples(spec);
    }

    public static void main(String[] args) throws IOException {
        JsonNode spec =
                new ObjectMapper(new YAMLFactory()).readTree(Path.of(args[0]).toFile());
        Path out = Path.of(args[1]);
        Files.createDirectories(out.resolve("scenarios"));
        GenerateStubMappings generator = new GenerateStubMappings(spec);
        for (Scenario scenario : Scenario.values()) {
            ObjectNode file = F.objectNode();
            file.set("mappings", generator.mappings(scenario));
            JSON.writerWithDefaultPrettyPrinter()
                    .writeValue(
                            out.resolve("scenarios/" + scenario.name() + ".json")
                                    .toFile(),
                            file);
        }
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve("openapi-3.0.json").toFile(), OpenApi30View.of(spec));
    }

    ArrayNode mappings(Scenario scenario) {
        List<ObjectNode> m = new ArrayList<>();
        switch (scenario) {
            case EXAMPLES -> {
                m.add(answer("GET", RUNS, 200, examples.ok(RUNS, "get")));
                m.add(answer("POST", RUNS, 200, examples.ok(RUNS, "post")));
                m.add(answer("GET", RUN, 200, examples.ok(RUN, "get")));
                m.add(answer("POST", CANCEL, 200, examples.ok(CANCEL, "post")));
                m.add(answer("GET", RESULTS, 200, examples.ok(RESULTS, "get")));
                m.add(answer("GET", RESULT, 200, examples.ok(RESULT, "get")));
                m.addAll(experiments());
            }
            case RUN_PENDING, RUN_QUEUED, RUN_RUNNING, RUN_COMPLETED, RUN_ERROR, RUN_CANCELLED -> {
                LifecycleStatus status = LifecycleStatus.parse(scenario.runStatus());
                m.addAll(world(status, STARTED, null));
                if (status.isActive()) {
                    m.addAll(world(LifecycleStatus.CANCELLED, CANCELLED, null));
                }
                m.addAll(experiments());
            }
            case RUN_PROGRESSES_TO_COMPLETED -> {
                m.addAll(world(PENDING, STARTED, QUEUED));
                m.addAll(world(QUEUED, QUEUED.wire(), RUNNING));
                m.addAll(world(RUNNING, RUNNING.wire(), COMPLETED));
                m.addAll(world(COMPLETED, COMPLETED.wire(), null));
                m.addAll(world(LifecycleStatus.CANCELLED, CANCELLED, null));
                m.addAll(experiments());
            }
            case RUN_NOT_FOUND -> {
                m.add(answer("GET", RUNS, 200, examples.emptyList(RUNS)));
                m.add(answer("POST", RUNS, 200, examples.ok(RUNS, "post")));
                m.add(answer("GET", RUN, 404, examples.runNotFound(RUN_ID)));
                m.add(answer("POST", CANCEL, 404, examples.runNotFound(RUN_ID)));
                m.add(answer("GET", RESULTS, 200, examples.emptyList(RESULTS)));
                m.add(answer(
                        "GET",
                        RESULT,
                        404,
                        examples.notFound(
                                ErrorCode.RESULT_NOT_FOUND.wire(),
                                "Result " + RESULT_ID + " not found",
                                F.objectNode().put("result_id", RESULT_ID))));
                m.addAll(experiments());
            }
            case EXPERIMENT_NOT_FOUND -> {
                String experiment = "{{jsonPath request.body '$.experiment_id'}}";
                for (JsonNode mapping : mappings(Scenario.EXAMPLES)) {
                    String path = mapping.at("/request/urlPath").asText();
                    boolean create = mapping.at("/request/method").asText().equals("POST") && path.equals(RUNS);
                    boolean experiments = path.equals(EXPERIMENTS)
                            || mapping.at("/request/urlPathTemplate").asText().equals(EXPERIMENT);
                    if (!create && !experiments) {
                        m.add((ObjectNode) mapping);
                    }
                }
                m.addAll(noExperiments(null));
                m.add(answer(
                        "POST",
                        RUNS,
                        404,
                        examples.notFound(
                                ErrorCode.EXPERIMENT_NOT_FOUND.wire(),
                                "Experiment " + experiment + " not found",
                                F.objectNode().put("experiment_id", experiment))));
            }
            case EXPERIMENT_HAS_ACTIVE_RUN -> {
                // its run is running until cancelled; the experiment can be deleted only then, and is gone after
                m.addAll(world(LifecycleStatus.RUNNING, STARTED, null));
                m.addAll(world(LifecycleStatus.CANCELLED, CANCELLED, null));
                m.addAll(world(LifecycleStatus.CANCELLED, DELETED, null));
                m.add(inState(answer("GET", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "get")), STARTED, null));
                m.add(inState(answer("GET", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "get")), CANCELLED, null));
                m.add(inState(answer("POST", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "post")), STARTED, null));
                m.add(inState(answer("POST", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "post")), CANCELLED, null));
                for (String state : List.of(STARTED, CANCELLED)) {
                    m.add(inState(answer("GET", EXPERIMENT, 200, examples.experiment(EXPERIMENT_ID)), state, null));
                    m.add(inState(
                            answer("PATCH", EXPERIMENT, 200, examples.updatedExperiment(EXPERIMENT_ID)), state, null));
                }
                m.add(inState(
                        answer("DELETE", EXPERIMENT, 409, examples.experimentHasActiveRun(EXPERIMENT_ID)),
                        STARTED,
                        null));
                m.add(inState(noContent("DELETE", EXPERIMENT), CANCELLED, DELETED));
                m.addAll(noExperiments(DELETED));
            }
            case UNAUTHORIZED ->
                OPERATIONS.forEach(op -> m.add(with(
                        answer(op[0], op[1], 401, examples.unauthorized()),
                        Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""))));
            case VALIDATION_FAILED ->
                OPERATIONS.forEach(op -> m.add(answer(op[0], op[1], 422, examples.response("ValidationFailed"))));
            case RATE_LIMITED ->
                OPERATIONS.forEach(op ->
                        m.add(with(answer(op[0], op[1], 429, examples.overloaded()), Map.of("Retry-After", "1"))));
        }
        ArrayNode out = F.arrayNode();
        m.forEach(out::add);
        return out;
    }

    /**
     * Every operation answered as for a run in {@code status}, in WireMock scenario state {@code state}. A get moves
     * the state to {@code afterGet} (when not null); a cancel of a cancellable run moves it to {@code cancelled}.
     */
    private List<ObjectNode> world(LifecycleStatus status, String state, LifecycleStatus afterGet) {
        List<ObjectNode> m = new ArrayList<>();
        m.add(inState(
                answer("GET", RUNS, 200, examples.runList(List.of(examples.run(status, "exprun_2")))), state, null));
        m.add(inState(answer("POST", RUNS, 200, examples.ok(RUNS, "post")), state, null));
        m.add(inState(
                with(answer("GET", RUN, 200, examples.run(status, RUN_ID)), Map.of("ETag", etagOf(status))),
                state,
                afterGet == null ? null : afterGet.wire()));
        m.add(inState(notModified(RUN, etagOf(status)), state, null));
        if (afterGet != null) {
            // a wait (wait_for=terminal) of a run that progresses ends it: answered completed at once
            LifecycleStatus end = LifecycleStatus.COMPLETED;
            m.add(inState(wait(examples.run(end, RUN_ID), etagOf(end)), state, end.wire()));
        }
        m.add(
                status.isActive()
                        ? inState(answer("POST", CANCEL, 200, examples.cancelled(RUN_ID)), state, CANCELLED)
                        : inState(answer("POST", CANCEL, 404, examples.notCancellable(status, RUN_ID)), state, null));
        m.add(inState(answer("GET", RESULTS, 200, examples.results(status, QUERY_RUN_ID)), state, null));
        m.add(inState(
                with(answer("GET", RESULT, 200, examples.result(RESULT_ID)), Map.of("ETag", STEADY_ETAG)),
                state,
                null));
        m.add(inState(notModified(RESULT, STEADY_ETAG), state, null));
        return m;
    }

    /** A run's ETag in the stub: one per status, so that a transition (a cancel, a progress) changes it. */
    static String etagOf(LifecycleStatus status) {
        return "\"" + status.wire() + "\"";
    }

    /** A get whose {@code If-None-Match} names {@code etag}: 304, no body, the ETag repeated. */
    private static ObjectNode notModified(String path, String etag) {
        ObjectNode mapping = F.objectNode();
        ObjectNode request = mapping.putObject("request").put("method", "GET");
        request.put(path.contains("{") ? "urlPathTemplate" : "urlPath", path);
        request.putObject("headers").putObject("If-None-Match").put("contains", etag);
        mapping.putObject("response").put("status", 304).putObject("headers").put("ETag", etag);
        return mapping.put("priority", path.equals(EXPERIMENT) ? BY_ID_PRIORITY - 1 : CONDITIONAL_PRIORITY);
    }

    /** A get of a run with {@code wait_for=terminal}, answered {@code run} at once. */
    private static ObjectNode wait(ObjectNode run, String etag) {
        ObjectNode mapping = with(answer("GET", RUN, 200, run), Map.of("ETag", etag));
        ((ObjectNode) mapping.path("request"))
                .putObject("queryParameters")
                .putObject("wait_for")
                .put("equalTo", "terminal");
        return mapping.put("priority", CONDITIONAL_PRIORITY);
    }

    /** A change of an experiment whose {@code If-Match} names neither its ETag nor {@code *}: 412. */
    private ObjectNode changedSinceRead(String method) {
        ObjectNode mapping = answer(method, EXPERIMENT, 412, examples.preconditionFailed(EXPERIMENT_ID, STEADY_ETAG));
        ((ObjectNode) mapping.path("request"))
                .putObject("headers")
                .putObject("If-Match")
                // present (an absent header never matches a pattern) and naming neither its ETag nor *
                .put("matches", "^(?!\\s*(\\*|.*" + java.util.regex.Pattern.quote(STEADY_ETAG) + ".*)\\s*$).+$");
        return mapping.put("priority", BY_ID_PRIORITY - 1);
    }

    /** The experiments operations answering their examples, in any scenario state; any experiment id is echoed. */
    private List<ObjectNode> experiments() {
        Map<String, String> steady = Map.of("ETag", STEADY_ETAG);
        return List.of(
                answer("GET", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "get")),
                with(answer("POST", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "post")), steady),
                with(answer("GET", EXPERIMENT, 200, examples.experiment(EXPERIMENT_ID)), steady),
                notModified(EXPERIMENT, STEADY_ETAG),
                with(answer("PATCH", EXPERIMENT, 200, examples.updatedExperiment(EXPERIMENT_ID)), steady),
                changedSinceRead("PATCH"),
                noContent("DELETE", EXPERIMENT),
                changedSinceRead("DELETE"));
    }

    /**
     * No experiment exists (in scenario state {@code state}, or any when null): the list is empty, get, update and
     * delete answer 404 {@code experiment_not_found}; creating one answers the create example.
     */
    private List<ObjectNode> noExperiments(String state) {
        List<ObjectNode> m = new ArrayList<>();
        m.add(answer("GET", EXPERIMENTS, 200, examples.emptyList(EXPERIMENTS)));
        m.add(answer("POST", EXPERIMENTS, 200, examples.ok(EXPERIMENTS, "post")));
        for (String method : List.of("GET", "PATCH", "DELETE")) {
            m.add(answer(method, EXPERIMENT, 404, examples.experimentNotFound(EXPERIMENT_ID)));
        }
        return state == null ? m : m.stream().map(x -> inState(x, state, null)).toList();
    }

    /** {@code method path} answers 204 without a body (and so without a Content-Type). */
    private static ObjectNode noContent(String method, String path) {
        ObjectNode mapping = F.objectNode();
        ObjectNode request = mapping.putObject("request").put("method", method);
        request.put(path.contains("{") ? "urlPathTemplate" : "urlPath", path);
        mapping.putObject("response").put("status", 204);
        return byIdBelowLiterals(mapping, path);
    }

    /** One WireMock mapping: {@code method path} answers {@code status} with a JSON body (templated when it echoes ids). */
    private static ObjectNode answer(String method, String path, int status, JsonNode body) {
        ObjectNode mapping = F.objectNode();
        ObjectNode request = mapping.putObject("request").put("method", method);
        request.put(path.contains("{") ? "urlPathTemplate" : "urlPath", path);
        ObjectNode response = mapping.putObject("response").put("status", status);
        response.putObject("headers").put("Content-Type", "application/json");
        String text = body.toString();
        response.put("body", text);
        if (text.contains("{{")) {
            response.putArray("transformers").add("response-template");
        }
        return byIdBelowLiterals(mapping, path);
    }

    /** A by-id experiment mapping matches .../runs and .../results too: it gets a lower priority than theirs. */
    private static ObjectNode byIdBelowLiterals(ObjectNode mapping, String path) {
        return path.equals(EXPERIMENT) ? mapping.put("priority", BY_ID_PRIORITY) : mapping;
    }

    private static ObjectNode with(ObjectNode mapping, Map<String, String> headers) {
        ObjectNode h = (ObjectNode) mapping.path("response").path("headers");
        headers.forEach(h::put);
        return mapping;
    }

    private static ObjectNode inState(ObjectNode mapping, String state, String next) {
        mapping.put("scenarioName", "exprun").put("requiredScenarioState", state);
        if (next != null) {
            mapping.put("newScenarioState", next);
        }
        return mapping;
    }
}
