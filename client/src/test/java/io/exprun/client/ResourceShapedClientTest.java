package io.exprun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client of contract 0.3.0, shaped like Retab's SDK ({@code client.workflows().experiments().runs()…}), against a
 * scripted server: the wait asked of the server (one request, no polling) and its fallback to polling a server that
 * does not wait, the validators through {@link RequestOptions} and {@link ExprunResponse}, and the auto-paging list.
 */
class ResourceShapedClientTest {

    private static final String PENDING = "{\"status\":\"pending\"}";
    private static final String COMPLETED = "{\"status\":\"completed\"}";

    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ExprunClient client() {
        return ExprunClient.builder()
                .baseUrl(server.url())
                .apiKey("k1")
                .requestTimeout(Duration.ofSeconds(5))
                .retries(3, Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
    }

    private static String run(String lifecycle) {
        return ExprunClientResilienceTest.run("extract", lifecycle);
    }

    @Test
    void wait_for_asks_the_server_to_wait_and_takes_one_request_when_the_run_ends_within_it() {
        server.then(200, run(COMPLETED), null);

        ExperimentRun run = client().workflows().experiments().runs().waitFor("exprun_1", Duration.ofSeconds(30));

        assertThat(RunLifecycle.of(run.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.COMPLETED);
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0))
                .startsWith("GET /v1/workflows/experiments/runs/exprun_1?wait_for=terminal&timeout=")
                .contains("ms ");
    }

    @Test
    void against_a_server_that_answers_at_once_wait_for_polls_until_the_end() {
        server.then(200, run(PENDING), null); // a 0.2 server: wait_for ignored, answered at once
        server.then(200, run(PENDING), null);
        server.then(200, run(COMPLETED), null);

        ExperimentRun run = client().workflows().experiments().runs().waitFor("exprun_1", Duration.ofSeconds(30));

        assertThat(RunLifecycle.of(run.getLifecycle()).isTerminal()).isTrue();
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void a_run_still_active_when_the_time_is_up_is_a_wait_timeout_with_the_run_as_last_read() {
        for (int i = 0; i < 50; i++) {
            server.then(200, run(PENDING), null);
        }

        assertThatThrownBy(() -> client().workflows().experiments().runs().waitFor("exprun_1", Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        ExprunWaitTimeoutException.class,
                        e -> assertThat(RunLifecycle.of(e.lastSeen().getLifecycle())
                                        .kind())
                                .isEqualTo(RunLifecycle.Kind.PENDING));
    }

    @Test
    void get_with_response_carries_the_etag_and_reads_a_304_as_not_modified() {
        server.thenWith(200, run(PENDING), Map.of("ETag", "\"3\""));
        server.thenWith(304, "", Map.of("ETag", "\"3\""));
        ExperimentRuns runs = client().workflows().experiments().runs();

        ExprunResponse<ExperimentRun> first = runs.getWithResponse("exprun_1", RequestOptions.none());
        ExprunResponse<ExperimentRun> again = runs.getWithResponse(
                "exprun_1", RequestOptions.none().ifNoneMatch(first.etag().orElseThrow()));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.value()).isPresent();
        assertThat(first.etag()).hasValue("\"3\"");
        assertThat(again.notModified()).isTrue();
        assertThat(again.value()).isEmpty();
        assertThat(server.conditions())
                .containsExactly("If-Match=null If-None-Match=null", "If-Match=null If-None-Match=\"3\"");
    }

    @Test
    void an_update_on_a_stale_if_match_is_a_precondition_failure_naming_the_current_etag() {
        server.then(
                412,
                "{\"detail\":{\"code\":\"precondition_failed\",\"message\":\"changed\",\"details\":"
                        + "{\"experiment_id\":\"exp_1\",\"etag\":\"\\\"4\\\"\"}}}",
                null);
        server.thenWith(200, ExprunClientExperimentsTest.experiment("exp_1"), Map.of("ETag", "\"5\""));
        Experiments experiments = client().workflows().experiments();
        UpdateExperimentRequest rename = new UpdateExperimentRequest().name("mine");

        assertThatThrownBy(() -> experiments.update(
                        "exp_1", rename, RequestOptions.none().ifMatch("\"3\"")))
                .isInstanceOfSatisfying(
                        ExprunPreconditionFailedException.class,
                        e -> assertThat(e.currentEtag()).hasValue("\"4\""));
        ExprunResponse<WorkflowExperiment> updated = experiments.updateWithResponse(
                "exp_1", rename, RequestOptions.none().ifMatch("\"4\""));

        assertThat(updated.etag()).hasValue("\"5\"");
        assertThat(server.conditions())
                .containsExactly("If-Match=\"3\" If-None-Match=null", "If-Match=\"4\" If-None-Match=null");
    }

    @Test
    void list_is_an_iterable_that_fetches_each_page_when_it_is_reached() {
        String page1 = "{\"data\":[" + run(PENDING) + "],\"list_metadata\":{\"before\":null,\"after\":\"exprun_1\"}}";
        String page2 = "{\"data\":[" + run(COMPLETED) + "],\"list_metadata\":{\"before\":\"exprun_1\",\"after\":null}}";
        server.then(200, page1, null);
        server.then(200, page2, null);

        List<String> statuses = new java.util.ArrayList<>();
        for (ExperimentRun r : client().workflows().experiments().runs().list()) {
            statuses.add(RunLifecycle.of(r.getLifecycle()).status());
            assertThat(server.requests())
                    .as("one page fetched per page reached")
                    .hasSize(statuses.size());
        }

        assertThat(statuses).containsExactly("pending", "completed");
        assertThat(server.requests().get(1)).contains("after=exprun_1");
    }

    @Test
    void an_idempotency_key_of_ones_own_is_sent_on_create() {
        server.then(200, run(PENDING), null);

        client().workflows()
                .experiments()
                .runs()
                .create(
                        new io.exprun.client.generated.model.CreateExperimentRunRequest().experimentId("exp"),
                        RequestOptions.none().idempotencyKey("nightly-2026-12-07"));

        assertThat(server.requests().get(0)).endsWith(" key=nightly-2026-12-07");
    }
}
