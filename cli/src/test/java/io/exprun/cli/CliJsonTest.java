package io.exprun.cli;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.client.generated.ApiClient;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --json} for scripts, against a real server: stdout is the API's JSON as sent (checked byte for byte where the
 * answer can be fetched again, and against the spec with the contract's own checker everywhere), errors included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliJsonTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServer server;
    private Http http;
    private SpecConformance spec;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
        http = new Http(server.baseUri(), KEY_A);
        spec = SpecConformance.load();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun exprun(String... args) {
        return CliRun.against(server.baseUri(), KEY_A, args);
    }

    @Test
    void cancel_json_is_the_apis_cancel_answer_and_parses_as_the_generated_model() throws Exception {
        Run running = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);

        CliRun cancel = exprun("runs", "cancel", running.id(), "--json");

        assertThat(cancel.exit()).isZero();
        assertThat(cancel.err()).isEmpty();
        assertThat(spec.violations("POST", RUNS + "/" + running.id() + "/cancel", 200, cancel.out()))
                .isEmpty();
        CancelWorkflowExperimentRunResponse parsed = ApiClient.createDefaultObjectMapper()
                .readValue(cancel.out(), CancelWorkflowExperimentRunResponse.class);
        assertThat(parsed.getId()).isEqualTo(running.id());
        JsonNode json = JSON.readTree(cancel.out());
        assertThat(json.at("/lifecycle/status").asText()).isEqualTo("cancelled");
        assertThat(json.has("timing")).isTrue();
        // what the server now says about the run agrees with the answer printed
        assertThat(http.get(RUNS + "/" + running.id()).json().get("lifecycle")).isEqualTo(json.get("lifecycle"));
    }

    @Test
    void the_old_cancel_output_shape_fails_the_same_check() {
        // negative control: what `runs cancel --json` printed before (the client's CancelledRun record) is not the
        // API's
        String old =
                "{\"runId\":\"exprun_x\",\"lifecycle\":{\"reason\":\"Cancelled by API request\",\"terminal\":true},"
                        + "\"timing\":{\"created_at\":\"2026-01-01T00:00:00Z\"}}";

        assertThat(spec.violations("POST", RUNS + "/exprun_x/cancel", 200, old)).isNotEmpty();
    }

    @Test
    void get_json_is_byte_for_byte_what_the_api_sends() {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.ERROR);

        CliRun get = exprun("runs", "get", run.id(), "--json");

        Http.Answer direct = http.get(RUNS + "/" + run.id());
        assertThat(get.exit()).isZero();
        assertThat(get.out()).isEqualTo(direct.body() + "\n");
        assertThat(spec.violations("GET", RUNS + "/" + run.id(), 200, get.out()))
                .isEmpty();
    }

    @Test
    void printing_the_client_model_instead_would_not_pass_the_byte_for_byte_check() throws Exception {
        // negative control: the previous implementation re-serialized the generated model; its bytes differ
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.ERROR);
        String sent = http.get(RUNS + "/" + run.id()).body();
        ObjectMapper clientMapper = io.exprun.client.ExprunClient.builder()
                .baseUrl(server.baseUri().toString())
                .build()
                .apiClient()
                .getObjectMapper();

        String reserialized = clientMapper.writeValueAsString(
                clientMapper.readValue(sent, io.exprun.client.generated.model.ExperimentRun.class));

        assertThat(reserialized).isNotEqualTo(sent);
    }

    @Test
    void list_json_is_the_apis_envelope_byte_for_byte() throws Exception {
        Run cancelled = server.fixtures().runIn(TENANT_A, LifecycleStatus.CANCELLED);

        CliRun list = exprun("runs", "list", "--status", "cancelled", "--limit", "3", "--json");

        assertThat(list.exit()).isZero();
        assertThat(list.out())
                .isEqualTo(http.get(RUNS + "?status=cancelled&limit=3").body() + "\n");
        assertThat(spec.violations("GET", RUNS, 200, list.out())).isEmpty();
        JsonNode json = JSON.readTree(list.out());
        assertThat(json.get("data").isArray()).isTrue();
        assertThat(json.has("list_metadata")).isTrue();
        assertThat(json.get("data").findValuesAsText("id")).contains(cancelled.id());
    }

    @Test
    void create_and_results_json_are_the_apis_answers() throws Exception {
        CliRun create = exprun("runs", "create", "exp_demo", "--json");
        String id = JSON.readTree(create.out()).get("id").asText();
        CliRun results = exprun("runs", "results", id, "--json");

        assertThat(create.exit()).isZero();
        assertThat(spec.violations("POST", RUNS, 200, create.out())).isEmpty();
        assertThat(results.exit()).isZero();
        assertThat(spec.violations("GET", "/v1/workflows/experiments/results?run_id=" + id, 200, results.out()))
                .isEmpty();
        assertThat(JSON.readTree(results.out()).get("data")).hasSize(5);
    }

    @Test
    void an_api_error_under_json_prints_the_apis_error_body_and_exits_1() {
        CliRun missing = exprun("runs", "get", "exprun_nope", "--json");

        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out()).isEqualTo(http.get(RUNS + "/exprun_nope").body() + "\n");
        assertThat(spec.violations("GET", RUNS + "/exprun_nope", 404, missing.out()))
                .isEmpty();
        assertThat(missing.err().lines()).hasSize(1);
    }

    @Test
    void a_422_under_json_prints_the_apis_validation_body() throws Exception {
        CliRun tooMany = exprun("runs", "list", "--limit", "0", "--json");

        assertThat(tooMany.exit()).isEqualTo(1);
        assertThat(spec.violations("GET", RUNS + "?limit=0", 422, tooMany.out()))
                .isEmpty();
        assertThat(JSON.readTree(tooMany.out()).at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"limit\"]");
    }

    @Test
    void an_html_error_page_from_a_proxy_is_not_passed_off_as_the_apis_json() throws Exception {
        // a gateway in front of exprun that answers 502 with HTML: a boundary exprun does not own
        com.sun.net.httpserver.HttpServer gateway = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/", exchange -> {
            byte[] page = "<html><body>502 Bad Gateway</body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(502, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        gateway.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + gateway.getAddress().getPort());

            CliRun failed = CliRun.against(url, KEY_A, "runs", "get", "exprun_x", "--json");

            assertThat(failed.exit()).isEqualTo(1);
            JsonNode json = JSON.readTree(failed.out());
            assertThat(json.get("error").asText()).isEqualTo("api");
            assertThat(json.get("status").asInt()).isEqualTo(502);
            assertThat(failed.err()).startsWith("exprun: 502");
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void a_usage_error_under_json_is_a_json_object_naming_the_class() throws Exception {
        CliRun usage = CliRun.exprun("--url", "127.0.0.1:8080", "runs", "list", "--json");

        assertThat(usage.exit()).isEqualTo(2);
        JsonNode json = JSON.readTree(usage.out());
        assertThat(json.get("error").asText()).isEqualTo("usage");
        assertThat(json.get("message").asText()).contains("127.0.0.1:8080");
    }

    @Test
    void a_connection_failure_under_json_names_the_class_and_the_url() throws Exception {
        URI closed = ExprunCliTest.closedPort();

        CliRun refused = CliRun.against(closed, KEY_A, "runs", "list", "--json");

        assertThat(refused.exit()).isEqualTo(3);
        JsonNode json = JSON.readTree(refused.out());
        assertThat(json.get("error").asText()).isEqualTo("connection");
        assertThat(json.get("url").asText()).isEqualTo(closed.toString());
        assertThat(refused.hasStackTrace()).isFalse();
    }
}
