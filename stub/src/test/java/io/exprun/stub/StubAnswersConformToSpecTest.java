package io.exprun.stub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.exprun.contract.SpecConformance;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proof the stub does not drift from the contract: in every scenario, every stub answer (every mapping generated for
 * it, in every scenario state) is requested over HTTP, and each answer received is checked against the spec with the
 * project's {@link SpecConformance}; so are the refusals of requests the spec does not allow. A negative control
 * shows the checker catches an answer that drifted.
 *
 * <p>Over 250 lines because the requests that reach every mapping of every scenario, in every state, are one sequence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StubAnswersConformToSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "/v1/workflows/experiments";
    private static final SpecConformance SPEC = SpecConformance.load();

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ExprunStubServer stub;
    private final List<String> violations = new ArrayList<>();

    @BeforeAll
    void start() {
        stub = ExprunStubServer.start(Scenario.EXAMPLES);
    }

    @AfterAll
    void stop() {
        stub.close();
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void every_answer_of_every_scenario_conforms_to_the_spec_and_every_mapping_is_reached(Scenario scenario)
            throws Exception {
        Set<String> reached = new TreeSet<>();
        for (int readsBeforeCancel = 0; readsBeforeCancel <= 4; readsBeforeCancel++) {
            stub.scenario(scenario);
            for (int i = 0; i < readsBeforeCancel; i++) {
                reads();
            }
            send("POST", V1 + "/runs/exprun_7/cancel", null, stub.apiKey());
            send("POST", V1 + "/runs/exprun_7/cancel", null, stub.apiKey());
            reads();
            reads(); // EXPERIMENT_HAS_ACTIVE_RUN: the first deleted the experiment; now everything once more
            send("POST", V1 + "/runs/exprun_7/cancel", null, stub.apiKey());
            stub.wireMock().getAllServeEvents().stream()
                    .filter(e -> e.getStubMapping() != null && e.getWasMatched())
                    .map(ServeEvent::getStubMapping)
                    .map(StubAnswersConformToSpecTest::key)
                    .forEach(reached::add);
        }
        for (int getsBeforeTheWait = 0; getsBeforeTheWait <= 3; getsBeforeTheWait++) {
            stub.scenario(scenario);
            for (int i = 0; i < getsBeforeTheWait; i++) {
                send("GET", V1 + "/runs/exprun_7", null, stub.apiKey());
            }
            send(
                    "GET",
                    V1 + "/runs/exprun_7?wait_for=terminal&timeout=1s",
                    null,
                    stub.apiKey()); // ends a progressing run
            stub.wireMock().getAllServeEvents().stream()
                    .filter(e -> e.getStubMapping() != null && e.getWasMatched())
                    .map(ServeEvent::getStubMapping)
                    .map(StubAnswersConformToSpecTest::key)
                    .forEach(reached::add);
        }

        assertThat(violations).isEmpty();
        assertThat(reached).containsExactlyInAnyOrderElementsOf(generatedMappings(scenario));
    }

    @Test
    void refusals_of_requests_the_spec_does_not_allow_conform_too() throws Exception {
        stub.scenario(Scenario.RUN_RUNNING);
        String key = stub.apiKey();

        assertThat(send("GET", V1 + "/runs", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", V1 + "/runs/exprun_1", null, "not-the-key").statusCode())
                .isEqualTo(401);
        assertThat(send("GET", V1 + "/runs?limit=0&status=canceled&from_date=yesterday", null, key)
                        .statusCode())
                .isEqualTo(422);
        assertThat(send("GET", V1 + "/results", null, key).statusCode()).isEqualTo(422);
        assertThat(send("POST", V1 + "/runs", "{\"experiment_id\":5}", key).statusCode())
                .isEqualTo(422);
        assertThat(send("POST", V1 + "/runs", "{\"experiment_id\":", key).statusCode())
                .isEqualTo(422);
        assertThat(send("POST", V1 + "/runs", null, key).statusCode()).isEqualTo(422);
        assertThat(send("GET", V1 + "/runs/%22%3Cscript%3E", null, key).statusCode())
                .isEqualTo(404);
        // (V1 + "/nothing-here" is an experiment's path since 0.2.0: the stub answers it, any id echoed)
        assertThat(send("GET", V1 + "/runs/exprun_1/nothing-here", null, key).statusCode())
                .isEqualTo(404);
        assertThat(send("DELETE", V1 + "/runs", null, key).statusCode()).isEqualTo(405);
        assertThat(send("GET", V1 + "?limit=0&order=up", null, key).statusCode())
                .isEqualTo(422);
        assertThat(send("POST", V1, "{\"name\":\"no workflow\"}", key).statusCode())
                .isEqualTo(422);
        assertThat(send("PATCH", V1 + "/exp_1", "{\"n_consensus\":4}", key).statusCode())
                .isEqualTo(422);
        assertThat(send("GET", V1 + "/%22%3Cscript%3E", null, key).statusCode()).isEqualTo(404);
        assertThat(send("PUT", V1 + "/exp_1", "{}", key).statusCode()).isEqualTo(405);
        assertThat(send("DELETE", V1 + "/exp_1", null, null).statusCode()).isEqualTo(401);

        assertThat(violations).isEmpty();
    }

    @Test
    void a_422_lists_every_problem_in_the_servers_words() throws Exception {
        stub.scenario(Scenario.EXAMPLES);

        JsonNode detail = JSON.readTree(
                        send("GET", V1 + "/runs?limit=0&order=up&from_date=2026-13-01", null, stub.apiKey())
                                .body())
                .path("detail");
        JsonNode body = JSON.readTree(send("POST", V1 + "/runs", "{\"experiment_id\":\"\"}", stub.apiKey())
                        .body())
                .path("detail");

        assertThat(detail.findValuesAsText("type"))
                .containsExactlyInAnyOrder("date_parsing", "greater_than_equal", "enum");
        assertThat(detail.findValuesAsText("msg"))
                .contains(
                        "Input should be greater than or equal to 1",
                        "Input should be 'asc' or 'desc'",
                        "Input should be a valid date in the format YYYY-MM-DD");
        assertThat(body.path(0).path("type").asText()).isEqualTo("string_too_short");
        assertThat(body.path(0).path("msg").asText()).isEqualTo("String should have at least 1 character");
        assertThat(violations).isEmpty();
    }

    @Test
    void an_experiment_with_an_active_run_is_refused_until_the_run_is_cancelled_then_deleted_then_gone()
            throws Exception {
        stub.scenario(Scenario.EXPERIMENT_HAS_ACTIVE_RUN);
        String key = stub.apiKey();

        HttpResponse<String> refused = send("DELETE", V1 + "/exp_7", null, key);
        JsonNode detail = JSON.readTree(refused.body()).path("detail");
        String run = detail.at("/details/run_id").asText();
        HttpResponse<String> running = send("GET", V1 + "/runs/" + run, null, key);
        HttpResponse<String> cancelled = send("POST", V1 + "/runs/" + run + "/cancel", null, key);
        HttpResponse<String> deleted = send("DELETE", V1 + "/exp_7", null, key);
        HttpResponse<String> gone = send("GET", V1 + "/exp_7", null, key);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(detail.path("code").asText()).isEqualTo("experiment_has_active_run");
        assertThat(detail.at("/details/experiment_id").asText()).isEqualTo("exp_7");
        assertThat(detail.at("/details/status").asText()).isEqualTo("running");
        assertThat(JSON.readTree(running.body()).at("/lifecycle/status").asText())
                .isEqualTo("running");
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(gone.body()).at("/detail/code").asText()).isEqualTo("experiment_not_found");
        assertThat(violations).isEmpty();
    }

    @Test
    void experiments_answer_their_examples_with_the_id_asked_for_and_are_missing_in_experiment_not_found()
            throws Exception {
        stub.scenario(Scenario.RUN_RUNNING);
        String key = stub.apiKey();

        JsonNode got = JSON.readTree(send("GET", V1 + "/exp_42", null, key).body());
        HttpResponse<String> deleted = send("DELETE", V1 + "/exp_42", null, key);
        JsonNode runs = JSON.readTree(send("GET", V1 + "/runs", null, key).body());
        stub.scenario(Scenario.EXPERIMENT_NOT_FOUND);
        HttpResponse<String> missing = send("PATCH", V1 + "/exp_42", "{\"name\":\"x\"}", key);
        JsonNode none = JSON.readTree(send("GET", V1, null, key).body());

        assertThat(got.path("id").asText()).isEqualTo("exp_42");
        assertThat(got.path("workflow_id").asText()).isEqualTo("wf_demo");
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(runs.path("data").path(0).has("lifecycle"))
                .as("GET …/runs is the runs list, not the experiment 'runs'")
                .isTrue();
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body())
                        .at("/detail/details/experiment_id")
                        .asText())
                .isEqualTo("exp_42");
        assertThat(none.path("data")).isEmpty();
        assertThat(violations).isEmpty();
    }

    @Test
    void negative_control_an_answer_that_drifted_from_the_spec_is_caught() throws Exception {
        stub.scenario(Scenario.RUN_RUNNING);
        stub.wireMock()
                .stubFor(WireMock.get(WireMock.urlPathEqualTo(V1 + "/runs/exprun_7"))
                        .atPriority(1)
                        .willReturn(WireMock.okJson("{\"id\":\"exprun_7\",\"lifecycle\":{\"status\":\"canceled\"}}")));

        send("GET", V1 + "/runs/exprun_7", null, stub.apiKey());

        assertThat(violations).isNotEmpty();
        violations.clear();
    }

    /**
     * Every operation but cancel once: the get of the run after the others, because in RUN_PROGRESSES_TO_COMPLETED it
     * moves the run on; then the delete of the experiment, which in EXPERIMENT_HAS_ACTIVE_RUN deletes it once its run
     * was cancelled, and what can be asked of an experiment after that.
     */
    private void reads() throws Exception {
        String key = stub.apiKey();
        send("GET", V1 + "/runs?limit=5&order=asc&status=running", null, key);
        send("POST", V1 + "/runs", "{\"experiment_id\":\"exp_demo\"}", key);
        send("GET", V1 + "/results?run_id=exprun_7", null, key);
        send("GET", V1 + "/results/expres_1", null, key);
        send("GET", V1 + "?workflow_id=wf_demo&limit=5", null, key);
        send("POST", V1, EXPERIMENT, key);
        send("GET", V1 + "/exp_7", null, key);
        send("PATCH", V1 + "/exp_7", "{\"name\":\"renamed\"}", key);
        // the validators (0.3.0), before the get that moves a progressing run on: a run's ETag is its status's, a
        // result's and an experiment's "1"
        String anyRunEtag = "\"pending\", \"queued\", \"running\", \"completed\", \"error\", \"cancelled\"";
        send("GET", V1 + "/runs/exprun_7", null, key, "If-None-Match", anyRunEtag);
        send("GET", V1 + "/results/expres_1", null, key, "If-None-Match", "\"1\"");
        send("GET", V1 + "/exp_7", null, key, "If-None-Match", "\"1\"");
        send("PATCH", V1 + "/exp_7", "{\"name\":\"stale\"}", key, "If-Match", "\"0\"");
        send("GET", V1 + "/runs/exprun_7", null, key);
        send("DELETE", V1 + "/exp_7", null, key, "If-Match", "\"0\"");
        send("DELETE", V1 + "/exp_7", null, key);
        send("GET", V1 + "/exp_7", null, key);
        send("PATCH", V1 + "/exp_7", "{\"name\":\"renamed\"}", key);
        send("DELETE", V1 + "/exp_7", null, key);
        send("GET", V1, null, key);
    }

    private static final String EXPERIMENT = "{\"workflow_id\":\"wf_demo\",\"documents\":[{\"handle_inputs\":"
            + "{\"document\":{\"type\":\"file\",\"document\":{\"id\":\"doc_1\"}}}}]}";

    /** Sends one request and checks the answer against the spec (answers outside it: the contract's error envelope). */
    private HttpResponse<String> send(String method, String path, String body, String key, String... header)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stub.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i + 1 < header.length; i += 2) {
            request.header(header[i], header[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        List<String> found = SPEC.violations(method, path, response.statusCode(), response.body());
        boolean outsideSpec = found.size() == 1
                && (found.get(0).contains("no such operation") || found.get(0).contains("not declared"));
        if (outsideSpec) { // 405, an unknown path, 429: not operations' answers in the spec, but in its error envelope
            found = SPEC.violationsOf("ErrorResponse", response.body());
        }
        if (response.statusCode() == 401
                && !response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")) {
            violations.add(method + " " + path + ": 401 without WWW-Authenticate: Bearer");
        }
        found.forEach(v ->
                violations.add(stub.scenario() + " " + method + " " + path + " → " + response.statusCode() + ": " + v));
        return response;
    }

    /** A mapping as "METHOD path [the headers and query parameters it requires] @state", from the served stub. */
    private static String key(StubMapping mapping) {
        try {
            return key(JSON.readTree(StubMapping.buildJsonStringFor(mapping)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(JsonNode mapping) {
        JsonNode request = mapping.path("request");
        String path = request.has("urlPathTemplate")
                ? request.path("urlPathTemplate").asText()
                : request.path("urlPath").asText();
        List<String> conditions = new ArrayList<>();
        request.path("headers").fieldNames().forEachRemaining(conditions::add);
        request.path("queryParameters").fieldNames().forEachRemaining(conditions::add);
        return request.path("method").asText() + " " + path + (conditions.isEmpty() ? "" : " " + conditions) + " @"
                + mapping.path("requiredScenarioState").asText("-");
    }

    /** What the build generated for the scenario, read from the same resource the stub loads. */
    private static Set<String> generatedMappings(Scenario scenario) {
        Set<String> keys = new TreeSet<>();
        StubResources.read(scenario.resource()).path("mappings").forEach(m -> keys.add(key(m)));
        return keys;
    }
}
