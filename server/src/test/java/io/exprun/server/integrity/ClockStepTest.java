package io.exprun.server.integrity;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.NoErrorLogs;
import io.exprun.server.testing.SteppableClock;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 31: with the wall clock stepped back an hour and forward again while runs are in flight (an NTP correction,
 * a VM resumed), every run and result keeps its times in the order its transitions were committed (created ≤ started
 * ≤ completed, so no negative {@code duration_ms}), and no run is disturbed: no lease is judged on a wall clock, so
 * no document is taken over and run again (every attempt stays 0) and the runs finish.
 */
@ExtendWith(NoErrorLogs.class)
class ClockStepTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final long DOCUMENT_MS = 300;
    private static final Set<String> TERMINAL = Set.of("completed", "error", "cancelled");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void times_stay_ordered_and_runs_undisturbed_when_the_clock_steps_an_hour_back_and_forward(String kind) {
        SteppableClock clock = new SteppableClock();
        try (TestServer server = TestServer.start(
                TestServer.config(kind, 4), new SimulatedBlockExecutor(DOCUMENT_MS, 0.0), List.of(), clock)) {
            Http api = new Http(server.baseUri(), KEY_A);
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> runs.stream().allMatch(id -> completedDocuments(api, id) >= 1));

            clock.step(Duration.ofHours(-1));
            assertThat(api.post(RUNS + "/" + runs.get(0) + "/cancel").status()).isEqualTo(200);
            int before = completedDocuments(api, runs.get(1));
            await().atMost(Duration.ofSeconds(60)).until(() -> completedDocuments(api, runs.get(1)) > before);

            clock.step(Duration.ofHours(2)); // an hour ahead of the true time
            assertThat(api.post(RUNS + "/" + runs.get(2) + "/cancel").status()).isIn(200, 404);
            // created an hour ahead, started and finished after the clock went back: its times must still be ordered
            runs.add(api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText());
            int ahead = completedDocuments(api, runs.get(3));
            await().atMost(Duration.ofSeconds(60)).until(() -> completedDocuments(api, runs.get(3)) > ahead);

            clock.step(Duration.ofHours(-1));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> runs.stream()
                            .allMatch(id ->
                                    TERMINAL.contains(api.get(RUNS + "/" + id).lifecycleStatus())));

            for (String id : runs) {
                JsonNode run = api.get(RUNS + "/" + id).json();
                assertOrdered("run " + id, run);
                JsonNode results = api.get("/v1/workflows/experiments/results?run_id=" + id + "&limit=100")
                        .json()
                        .get("data");
                assertThat(results).hasSize(5);
                for (JsonNode result : results) {
                    assertOrdered("result " + result.get("id").asText() + " of " + id, result);
                    assertThat(result.get("attempt").asInt())
                            .as("no document of %s was taken over and run again", id)
                            .isZero();
                }
            }
            assertThat(api.get(RUNS + "/" + runs.get(1)).lifecycleStatus()).isEqualTo("completed");
            assertThat(api.get(RUNS + "/" + runs.get(3)).lifecycleStatus()).isEqualTo("completed");
            assertThat(api.get(RUNS + "/" + runs.get(4)).lifecycleStatus()).isEqualTo("completed");
        }
    }

    private static int completedDocuments(Http api, String runId) {
        return api.get(RUNS + "/" + runId)
                .json()
                .path("completed_document_count")
                .asInt();
    }

    /** created ≤ started ≤ completed where present, and a duration that is never negative. */
    private static void assertOrdered(String what, JsonNode item) {
        JsonNode timing = item.has("timing") ? item.get("timing") : item;
        Instant created = instant(item, timing, "created_at");
        Instant started = instant(item, timing, "started_at");
        Instant completed = instant(item, timing, "completed_at");
        assertThat(created).as("%s created_at", what).isNotNull();
        if (started != null) {
            assertThat(started).as("%s: started after it was created", what).isAfterOrEqualTo(created);
        }
        if (completed != null) {
            assertThat(completed)
                    .as("%s: completed after it started (or was created)", what)
                    .isAfterOrEqualTo(started != null ? started : created);
        }
        JsonNode duration = timing.path("duration_ms");
        if (duration.isNumber()) {
            assertThat(duration.asLong()).as("%s duration_ms", what).isNotNegative();
        }
    }

    private static Instant instant(JsonNode item, JsonNode timing, String field) {
        JsonNode v = timing.has(field) ? timing.get(field) : item.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }
}
