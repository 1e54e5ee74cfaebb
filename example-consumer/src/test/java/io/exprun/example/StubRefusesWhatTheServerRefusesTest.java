package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import io.exprun.stub.ExprunStubServer;
import io.exprun.stub.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stub refuses a request the contract does not allow exactly as the real server does: same status, same error
 * {@code code} or same 422 {@code loc}s, a {@code WWW-Authenticate} challenge on both for a 401. Each request is
 * sent to both, side by side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StubRefusesWhatTheServerRefusesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "/v1/workflows/experiments";
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestServer server;
    private ExprunStubServer stub;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
        stub = ExprunStubServer.start(Scenario.RUN_RUNNING);
    }

    @AfterAll
    void stop() {
        server.close();
        stub.close();
    }

    @ParameterizedTest(name = "{0} {1} auth=[{2}] body=[{3}]")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "GET    | /runs                                  | -          | -",
                "GET    | /runs                                  | wrong      | -",
                "GET    | /runs                                  | Basic abc  | -",
                "GET    | /runs?limit=0                          | KEY        | -",
                "GET    | /runs?limit=101                        | KEY        | -",
                "GET    | /runs?limit=ten                        | KEY        | -",
                "GET    | /runs?status=canceled                  | KEY        | -",
                "GET    | /runs?exclude_status=done              | KEY        | -",
                "GET    | /runs?order=up                         | KEY        | -",
                "GET    | /runs?from_date=yesterday              | KEY        | -",
                "GET    | /results                               | KEY        | -",
                "GET    | /results?run_id=x&limit=500            | KEY        | -",
                "POST   | /runs                                  | KEY        | {}",
                "POST   | /runs                                  | KEY        | {\"experiment_id\":\"\"}",
                "POST   | /runs                                  | KEY        | {\"experiment_id\":null}",
                "POST   | /runs                                  | KEY        | {\"experiment_id\":",
                "GET    | /runs/exprun_1/nowhere                 | KEY        | -",
                "GET    | ?limit=101                             | KEY        | -",
                "GET    | ?order=up                              | KEY        | -",
                "PATCH  | /exp_demo                              | KEY        | {\"name\":\"\"}",
                "GET    | /exp_demo                              | wrong      | -",
                "PUT    | /exp_demo                              | KEY        | {}",
                "DELETE | /runs                                  | KEY        | -",
                "PUT    | /runs/exprun_1/cancel                  | KEY        | -",
                "GET    | /runs/exprun_1?wait_for=never          | KEY        | -",
                "GET    | /runs/exprun_1?wait_for=terminal&timeout=99s | KEY | -",
                "POST   | /runs                                  | KEY        | {\"experiment_id\":\"e\",\"workflow_id\":5}",
                "POST   | ''                                     | KEY        | {\"workflow_id\":\"w\",\"documents\":[{\"handle_inputs\":{}}]}",
                "POST   | ''                                     | KEY        | {\"workflow_id\":\"w\",\"block_type\":\"nope\"}",
                "PATCH  | /exp_demo                              | KEY        | {\"n_consensus\":4,\"name\":null}",
            })
    void the_stub_and_the_server_refuse_alike(String method, String path, String auth, String body) throws Exception {
        Answer real = send(server.baseUri().toString(), RunFixtures.KEY_A, method, path, auth, body);
        Answer stubbed = send(stub.baseUrl(), stub.apiKey(), method, path, auth, body);

        assertThat(stubbed).as("stub vs server for %s %s", method, path).isEqualTo(real);
        assertThat(real.status()).isGreaterThanOrEqualTo(400);
    }

    /** What must agree: status, envelope code or the 422 locs, and whether a Bearer challenge came with a 401. */
    private record Answer(int status, String code, List<String> locs, boolean bearerChallenge) {}

    private Answer send(String base, String key, String method, String path, String auth, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + V1 + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            request.header(
                    "Authorization",
                    switch (auth) {
                        case "KEY" -> "Bearer " + key;
                        case "wrong" -> "Bearer not-the-key";
                        default -> auth;
                    });
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        List<String> locs = new ArrayList<>();
        if (json.path("detail").isArray()) {
            json.path("detail").forEach(e -> locs.add(e.path("loc").toString()));
            locs.sort(null);
        }
        return new Answer(
                response.statusCode(),
                json.path("detail").path("code").asText(null),
                locs,
                response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }
}
