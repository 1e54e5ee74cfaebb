package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server stopped while its runs are running leaves them running in the database, leases held, exactly as a crash
 * would. The next server on the same database must bring every one of them to a terminal state: at once on the
 * embedded SQLite (only this process uses it), after the lease expires on a shared PostgreSQL.
 * (A real kill -9 of a separate JVM is exercised by the durability tests.)
 */
class RestartRecoveryTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final Set<String> TERMINAL = Set.of("completed", "error", "cancelled");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void runs_interrupted_by_a_stop_all_reach_a_terminal_state_after_restart(String database) {
        ServerConfig config =
                TestServer.embeddedConfig(2).withSimulation(150, 0).withLease(Duration.ofMillis(1500));
        if (database.equals("postgres")) {
            Postgres.Db db = Postgres.freshDatabase();
            config = config.withDb(db.url(), db.user(), db.password());
        }
        List<String> ids = new ArrayList<>();
        try (TestServer first = TestServer.start(config)) {
            Http api = new Http(first.baseUri(), KEY_A);
            for (int i = 0; i < 4; i++) {
                ids.add(api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> api.get(RUNS + "/" + ids.get(0))
                                    .json()
                                    .get("completed_document_count")
                                    .asInt(),
                            done -> done >= 1);
            assertThat(ids)
                    .anyMatch(id -> api.get(RUNS + "/" + id).lifecycleStatus().equals("running"));
        }

        try (TestServer second = TestServer.start(config.withPort(0))) {
            Http api = new Http(second.baseUri(), KEY_A);
            for (String id : ids) {
                String status = await().atMost(Duration.ofSeconds(30))
                        .until(() -> api.get(RUNS + "/" + id).lifecycleStatus(), TERMINAL::contains);
                assertThat(status).isEqualTo("completed");
                assertThat(api.get("/v1/workflows/experiments/results?run_id=" + id)
                                .json()
                                .get("data"))
                        .allSatisfy(r ->
                                assertThat(r.at("/lifecycle/status").asText()).isEqualTo("completed"));
            }
        }
    }
}
