package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API conformance against any deployment: create, get, list, cancel, results and the error cases, every response
 * checked against openapi/experiment-runs.yaml. Point it at a deployment with
 * {@code -Dexprun.baseUrl=… -Dexprun.apiKey=…} (or EXPRUN_BASE_URL / EXPRUN_API_KEY); without them it starts a server
 * here (H2, simulated 2 s documents).
 */
class SpecConformanceSmokeIT {

    private static final SpecConformance SPEC = SpecConformance.load();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String RESULTS = "/v1/workflows/experiments/results";

    private static TestServer local;
    private static String base;
    private static String key;
    private static boolean remote;

    @BeforeAll
    static void target() {
        base = setting("exprun.baseUrl", "EXPRUN_BASE_URL");
        key = setting("exprun.apiKey", "EXPRUN_API_KEY");
        remote = base != null;
        if (!remote) {
            local = TestServer.start(TestServer.h2Config(1).withSimulation(2_000, 0));
            base = local.baseUri().toString();
            key = KEY_A;
        }
        base = base.replaceAll("/+$", "");
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void every_answer_of_a_run_lifecycle_conforms_to_the_spec() throws Exception {
        JsonNode created = call("POST", RUNS, "{\"experiment_id\":\"exp_demo\"}", key, 200);
        String runId = created.get("id").asText();

        call("GET", RUNS + "/" + runId, null, key, 200);
        call("GET", RUNS + "?limit=5", null, key, 200);
        JsonNode firstPage = call("GET", RUNS + "?experiment_id=exp_demo&limit=1&order=asc", null, key, 200);
        if (!firstPage.at("/list_metadata/after").isNull()) {
            call("GET", RUNS + "?experiment_id=exp_demo&limit=1&order=asc&after="
                    + firstPage.at("/list_metadata/after").asText(), null, key, 200);
        }
        JsonNode results = call("GET", RESULTS + "?run_id=" + runId, null, key, 200);
        call("GET", RESULTS + "/" + results.at("/data/0/id").asText(), null, key, 200);

        int cancel = remote ? -1 : 200; // a remote run may already have finished: then 404 is the right answer
        call("POST", RUNS + "/" + runId + "/cancel", null, key, cancel);
        JsonNode again = call("POST", RUNS + "/" + runId + "/cancel", null, key, 404);
        assertThat(again.at("/detail/code").asText()).isEqualTo("run_not_cancellable");
        call("GET", RESULTS + "?run_id=" + runId + "&order=asc", null, key, 200);
        call("GET", RUNS + "/" + runId, null, key, 200);
    }

    @Test
    void every_error_answer_conforms_to_the_spec() throws Exception {
        call("GET", RUNS, null, null, 401);
        call("GET", RUNS, null, "not-a-valid-key", 401);
        call("GET", RUNS + "/exprun_does_not_exist", null, key, 404);
        call("POST", RUNS + "/exprun_does_not_exist/cancel", null, key, 404);
        call("GET", RESULTS + "/expres_does_not_exist", null, key, 404);
        call("POST", RUNS, "{\"experiment_id\":\"exp_does_not_exist\"}", key, 404);
        call("POST", RUNS, "{}", key, 422);
        call("POST", RUNS, "{\"experiment_id\":", key, 422);
        call("GET", RUNS + "?limit=0", null, key, 422);
        call("GET", RUNS + "?status=paused", null, key, 422);
        call("GET", RESULTS, null, key, 422);
    }

    /** One request; asserts the status (unless {@code expected} < 0) and that the answer conforms to the spec. */
    private static JsonNode call(String method, String path, String body, String apiKey, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected >= 0) {
            assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
        }
        assertThat(SPEC.violations(method, path, response.statusCode(), response.body()))
                .as("%s %s → %d", method, path, response.statusCode()).isEmpty();
        return JSON.readTree(response.body());
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
