package io.exprun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the real server never does, played by a tiny scripted HTTP server on loopback: hangs, 503s, 429s with
 * Retry-After, and answers from a newer server version.
 */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
class ExprunClientResilienceTest {

    static final String RUN_JSON = """
            {"id":"exprun_1","workflow_id":"wf","workflow_version_id":"wfv","trigger":{"type":"api"},
             "experiment_id":"exp","block_id":"blk","block_type":"%s","n_consensus":3,
             "lifecycle":%s,
             "timing":{"created_at":"2026-05-18T10:00:00Z","started_at":null,"completed_at":null,"duration_ms":null},
             "block_execution_fingerprint":"bef","documents_fingerprint":"df"}""";

    private ScriptedServer server;
    private List<String> requests;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
        requests = server.requests();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void then(int status, String body) {
        server.then(status, body, null);
    }

    private void then(int status, String body, String retryAfter) {
        server.then(status, body, retryAfter);
    }

    private ExprunClient client() {
        return ExprunClient.builder()
                .baseUrl(server.url())
                .apiKey("k1")
                .requestTimeout(Duration.ofMillis(500))
                .retries(3, Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
    }

    static String run(String blockType, String lifecycle) {
        return RUN_JSON.formatted(blockType, lifecycle);
    }

    @Test
    void a_server_that_never_answers_times_out_with_a_connection_exception() {
        ExprunClient client = ExprunClient.builder()
                .baseUrl(server.url())
                .requestTimeout(Duration.ofMillis(300))
                .retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
                .build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.getRun("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunConnectionException.class,
                        e -> assertThat(e.isTimeout()).isTrue());
        // well under the default two-minute deadline, whatever the machine's load: the request timeout ended it
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void nothing_listening_is_a_connection_exception() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExprunClient client = ExprunClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .retries(2, Duration.ofMillis(1), Duration.ofMillis(1))
                .build();

        assertThatThrownBy(() -> client.getRun("exprun_1")).isInstanceOf(ExprunConnectionException.class);
    }

    @Test
    void a_503_then_200_is_retried_and_succeeds() {
        then(503, "{\"detail\":{\"code\":\"unavailable\",\"message\":\"busy\"}}");
        then(200, run("extract", "{\"status\":\"running\"}"));

        var run = client().getRun("exprun_1");

        assertThat(RunLifecycle.of(run.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.RUNNING);
        assertThat(requests)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).contains("auth=Bearer k1", "ua=exprun-java-client/"));
    }

    @Test
    void a_429_with_retry_after_waits_that_long_before_retrying() {
        then(429, "{\"detail\":\"slow down\"}", "1");
        then(200, run("extract", "{\"status\":\"queued\"}"));
        long start = System.nanoTime();

        var run = client().getRun("exprun_1");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(RunLifecycle.of(run.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.QUEUED);
    }

    @Test
    void retries_are_bounded_and_the_last_failure_is_typed() {
        then(429, "{\"detail\":\"slow down\"}", "0");
        then(429, "{\"detail\":\"slow down\"}", "0");
        then(429, "{\"detail\":\"still too fast\"}", "2");

        assertThatThrownBy(() -> client().getRun("exprun_1"))
                .isInstanceOfSatisfying(ExprunRateLimitedException.class, e -> {
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(2));
                    assertThat(e.detailMessage()).hasValue("still too fast");
                    assertThat(e.requestId()).hasValue("req-3");
                });
        assertThat(requests).hasSize(3);
    }

    @Test
    void create_is_not_retried_after_a_500_that_may_have_created_the_run() {
        then(500, "{\"detail\":{\"code\":\"internal_error\",\"message\":\"oops\"}}");
        then(200, run("extract", "{\"status\":\"pending\"}"));

        assertThatThrownBy(() -> client().createRun("exp")).isInstanceOfSatisfying(ExprunServerException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.code()).hasValue("internal_error");
            assertThat(e.requestId()).hasValue("req-1");
        });
        assertThat(requests).hasSize(1);
    }

    @Test
    void create_is_retried_after_a_timeout_or_503_with_the_same_idempotency_key() {
        server.thenSilence(); // the first attempt times out: it may have created the run
        then(503, "{\"detail\":{\"code\":\"unavailable\",\"message\":\"busy\"}}");
        then(200, run("extract", "{\"status\":\"pending\"}"));

        client().createRun("exp");

        assertThat(requests).hasSize(3);
        String key = requests.get(0).substring(requests.get(0).indexOf(" key=") + 5);
        assertThat(key).isNotBlank().isNotEqualTo("null");
        assertThat(requests).allSatisfy(r -> assertThat(r).endsWith(" key=" + key));
    }

    @Test
    void each_create_sends_its_own_idempotency_key() {
        then(200, run("extract", "{\"status\":\"pending\"}"));
        then(200, run("extract", "{\"status\":\"pending\"}"));

        client().createRun("exp");
        client().createRun("exp");

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).substring(requests.get(0).indexOf(" key=")))
                .isNotEqualTo(requests.get(1).substring(requests.get(1).indexOf(" key=")));
    }

    @Test
    void a_retried_cancel_that_finds_the_run_already_cancelled_returns_it() {
        then(503, "{\"detail\":{\"code\":\"unavailable\",\"message\":\"busy\"}}");
        then(
                404,
                "{\"detail\":{\"code\":\"run_not_cancellable\",\"message\":\"already cancelled\","
                        + "\"details\":{\"status\":\"cancelled\"}}}");
        then(200, run("extract", "{\"status\":\"cancelled\",\"reason\":\"Cancelled by API request\"}"));

        CancelledRun cancelled = client().cancel("exprun_1");

        assertThat(cancelled.lifecycle().reason()).isEqualTo("Cancelled by API request");
        assertThat(requests).extracting(r -> r.substring(0, r.indexOf(' '))).containsExactly("POST", "POST", "GET");
    }

    @Test
    void a_first_cancel_answered_not_cancellable_is_reported() {
        then(
                404,
                "{\"detail\":{\"code\":\"run_not_cancellable\",\"message\":\"already cancelled\","
                        + "\"details\":{\"status\":\"cancelled\"}}}");

        assertThatThrownBy(() -> client().cancel("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class,
                        e -> assertThat(e.currentStatus()).hasValue("cancelled"));
    }

    @Test
    void an_answer_from_a_newer_server_decodes_without_failing() {
        then(200, run("summarize", "{\"status\":\"paused\",\"resume_at\":\"2026-05-18T11:00:00Z\"}"));

        var run = client().getRun("exprun_1");

        RunLifecycle lifecycle = RunLifecycle.of(run.getLifecycle());
        assertThat(lifecycle).isInstanceOf(RunLifecycle.Unknown.class);
        assertThat(lifecycle.status()).isEqualTo("paused");
        assertThat(((RunLifecycle.Unknown) lifecycle).raw().get("resume_at").asText())
                .startsWith("2026-05-18");
        assertThat(run.getBlockType()).hasToString("unknown_default_open_api");
    }

    @Test
    void a_plain_text_detail_is_accepted_as_the_message() {
        then(404, "{\"detail\":\"Not Found\"}");

        assertThatThrownBy(() -> client().getRun("exprun_1"))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.detailMessage()).hasValue("Not Found");
                    assertThat(e.code()).isEmpty();
                });
    }
}
