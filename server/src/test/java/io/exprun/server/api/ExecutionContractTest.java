package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A created run as the workers take it: to completed, to error, and cancelled mid-document. Runs once per database: see
 * {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 */
abstract class ExecutionContractTest extends RunsApiContract {

    @Test
    void a_created_run_progresses_to_completed() {
        try (TestServer s = TestServer.start(freshConfig(2))) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();

            JsonNode run = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> a.get(RUNS + "/" + id).json(),
                            r -> r.at("/lifecycle/status").asText().equals("completed"));

            assertThat(run.get("completed_document_count").asInt()).isEqualTo(5);
            assertThat(run.get("error_count").asInt()).isZero();
            assertThat(run.at("/timing/duration_ms").asLong()).isPositive();
            assertThat(a.get(RESULTS + "?run_id=" + id).json().get("data"))
                    .allSatisfy(
                            r -> assertThat(r.at("/lifecycle/status").asText()).isEqualTo("completed"));
        }
    }

    @Test
    void a_run_whose_block_fails_ends_in_error_with_message_and_details() {
        BlockExecutor failsOnDoc3 = (run, result, stillWanted) -> result.document()
                        .id()
                        .equals("doc_3")
                ? new BlockExecutor.Outcome.Failed(
                        "model refused the document",
                        new ErrorInfo(
                                "model refused the document", null, run.blockId(), "Extract", "refused", Map.of()))
                : new SimulatedBlockExecutor(5, 0).execute(run, result, stillWanted);
        try (TestServer s = TestServer.start(freshConfig(1), failsOnDoc3, List.of())) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();

            JsonNode run = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> a.get(RUNS + "/" + id).json(),
                            r -> r.at("/lifecycle/status").asText().equals("error"));

            assertThat(run.at("/lifecycle/message").asText()).isEqualTo("1 of 5 documents failed");
            assertThat(run.at("/lifecycle/details/error_code").asText()).isEqualTo("refused");
            assertThat(run.get("error_count").asInt()).isEqualTo(1);
            assertThat(run.get("completed_document_count").asInt()).isEqualTo(4);
            JsonNode failed =
                    a.get(RESULTS + "?run_id=" + id + "&order=asc").json().at("/data/2");
            assertThat(failed.at("/lifecycle/status").asText()).isEqualTo("error");
            assertThat(failed.at("/lifecycle/message").asText()).isEqualTo("model refused the document");
        }
    }

    @Test
    void cancelling_a_run_mid_document_stops_its_worker_promptly() {
        try (TestServer s = TestServer.start(freshConfig(1).withSimulation(60_000, 0))) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> resultStatuses(a, id), m -> m.containsValue("running"));

            assertThat(a.post(RUNS + "/" + id + "/cancel").status()).isEqualTo(200);

            // the one worker is free again well before the 60 s document would have finished
            String next = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> a.get(RUNS + "/" + next).lifecycleStatus(), "running"::equals);
            assertThat(resultStatuses(a, id).values()).containsOnly("cancelled");
        }
    }
}
