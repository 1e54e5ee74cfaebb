package io.exprun.server.ops;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** What operators and API users expect around the API: request ids, health, metrics, the served contract. */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsEndpointsTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    private TestServer server;
    private Http api;

    @Test
    void every_response_carries_a_request_id_echoing_a_sane_one() {
        Http.Answer generated = api.get(RUNS);
        Http.Answer echoed = api.send(
                api.builder(RUNS).header("X-Request-Id", "trace-42.a_b").GET());
        Http.Answer insane = api.send(
                api.builder(RUNS).header("X-Request-Id", "x".repeat(200)).GET());
        Http.Answer unauthorized = api.as(null).get(RUNS);
        Http.Answer notFound = api.get("/nowhere");

        assertThat(generated.headers().firstValue("X-Request-Id").orElseThrow()).hasSizeGreaterThan(8);
        assertThat(echoed.headers().firstValue("X-Request-Id")).hasValue("trace-42.a_b");
        assertThat(insane.headers().firstValue("X-Request-Id").orElseThrow())
                .isNotEqualTo("x".repeat(200))
                .hasSize(36);
        assertThat(unauthorized.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(notFound.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void each_request_is_logged_once_with_its_id_and_never_with_the_key() {
        Logger accessLog = (Logger) LoggerFactory.getLogger("exprun.access");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        accessLog.addAppender(captured);
        ch.qos.logback.classic.Level before = accessLog.getLevel();
        accessLog.setLevel(ch.qos.logback.classic.Level.INFO); // the test configuration logs WARN and up only
        try {
            api.send(api.builder(RUNS + "?limit=1")
                    .header("X-Request-Id", "log-check-1")
                    .GET());
            api.as("a-secret-wrong-key").get(RUNS);

            assertThat(captured.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line ->
                            assertThat(line).contains("GET", "/v1/workflows/experiments/runs", "200", "id=log-check-1"))
                    .anySatisfy(line -> assertThat(line).contains("401"))
                    .allSatisfy(line -> assertThat(line).doesNotContain(KEY_A, "a-secret-wrong-key", "Bearer"));
        } finally {
            accessLog.detachAppender(captured);
            accessLog.setLevel(before);
        }
    }

    @Test
    void liveness_and_readiness_answer_without_a_key() {
        Http anonymous = api.as(null);

        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        Http.Answer ready = anonymous.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("database").asText()).isEqualTo("up");
    }

    @Test
    void readiness_fails_when_the_database_is_gone() {
        try (TestServer doomed = TestServer.startEmbedded(0)) {
            doomed.server().database().close();

            // readiness reads the last probe (every 250 ms), never the database; the bound is for a loaded machine
            Http.Answer ready = await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> new Http(doomed.baseUri(), null).get("/readyz"), a -> a.status() != 200);

            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("database").asText()).isEqualTo("down");
            assertThat(new Http(doomed.baseUri(), null).get("/healthz").status())
                    .isEqualTo(200);
            Http.Answer apiCall = new Http(doomed.baseUri(), KEY_A).get(RUNS + "/exprun_x");
            assertThat(apiCall.status()).isEqualTo(503);
            assertThat(apiCall.errorCode()).isEqualTo("unavailable");
        }
    }

    @Test
    void metrics_count_requests_by_operation_and_status_runs_by_status_and_cancellations() {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
        server.fixtures().runIn(TENANT_A, LifecycleStatus.PENDING);
        api.post(RUNS + "/" + run.id() + "/cancel");
        api.post(RUNS + "/" + run.id() + "/cancel");
        api.get(RUNS + "/" + run.id());

        // a scrape serves the last counts and asks for fresh ones in the background (at most once a second): it never
        // waits for the database. Counts taken before this test's rows existed may be served first (another test of
        // this class may have cancelled a run already), so wait for counts that have both rows; how long a loaded
        // machine takes to get there is not what is tested here.
        Http.Answer scrape = await().atMost(java.time.Duration.ofSeconds(60))
                .until(
                        () -> api.as(null).get("/metrics"),
                        a -> a.body().matches("(?s).*exprun_runs\\{[^}]*status=\"cancelled\"[^}]*} [1-9].*")
                                && a.body().matches("(?s).*exprun_worker_queue_depth(\\{[^}]*})? [1-9].*"));

        assertThat(scrape.status()).isEqualTo(200);
        String text = scrape.body();
        assertThat(text)
                .containsPattern(
                        "http_server_requests_seconds_count\\{[^}]*operation=\"cancel_experiment_run\"[^}]*status=\"200\"[^}]*} [1-9]");
        assertThat(text)
                .containsPattern(
                        "http_server_requests_seconds_count\\{[^}]*operation=\"cancel_experiment_run\"[^}]*status=\"404\"[^}]*} [1-9]");
        assertThat(text).contains("http_server_requests_seconds_bucket");
        assertThat(text).containsPattern("exprun_cancellations_total(\\{[^}]*})? [1-9]");
        assertThat(text).containsPattern("exprun_runs\\{[^}]*status=\"cancelled\"[^}]*} [1-9]");
        assertThat(text).containsPattern("exprun_worker_queue_depth(\\{[^}]*})? [1-9]");
        // the embedded database's WAL and its one writer (issue 34)
        assertThat(text).containsPattern("exprun_db_wal_bytes(\\{[^}]*})? [0-9]");
        assertThat(text).containsPattern("exprun_db_commits_total(\\{[^}]*})? [1-9]");
        assertThat(text).containsPattern("exprun_db_writes_total(\\{[^}]*})? [1-9]");
        assertThat(text).containsPattern("exprun_db_writes_queued(\\{[^}]*})? [0-9]");
    }

    @Test
    void the_contract_is_served_as_yaml_and_json_and_swagger_ui_at_docs() throws Exception {
        Http anonymous = api.as(null);

        Http.Answer yaml = anonymous.get("/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).isEqualTo(Files.readString(Path.of("..", "openapi", "experiment-runs.yaml")));

        JsonNode json = anonymous.get("/openapi.json").json();
        assertThat(json.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(json.at("/paths/~1v1~1workflows~1experiments~1runs~1{run_id}~1cancel/post/operationId")
                        .asText())
                .isEqualTo("cancel_experiment_run");

        Http.Answer page = anonymous.get("/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui-bundle.js", "/docs/swagger-initializer.js");
        assertThat(anonymous.get("/docs/swagger-initializer.js").body()).contains("\"/openapi.json\"");
        Http.Answer bundle = anonymous.get("/docs/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(anonymous.get("/docs/no-such-file.js").status()).isEqualTo(404);
    }
}
