package io.exprun.server.faults;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Poll;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 closes an embedded database on a fatal write error (a full disk, an I/O error), which every pooled connection
 * then reports with H2's own error codes. The fault is injected at the storage boundary by closing the database from
 * a connection of its own ({@code SHUTDOWN}), exactly the state a full disk leaves. Once the database can be opened
 * again the server serves again without a restart, and /readyz reflects the outage rather than saying "up" while
 * calls fail.
 */
class H2ClosedDatabaseRecoveryTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @Test
    void after_h2_closes_its_database_the_server_serves_again_without_a_restart() throws Exception {
        ServerConfig config = TestServer.h2Config(0);
        try (TestServer server = TestServer.start(config)) {
            Http api = new Http(server.baseUri(), KEY_A);
            Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            // warm the pool so that it holds connections to the database about to be closed
            for (int i = 0; i < 20; i++) {
                assertThat(api.get(RUNS + "/" + run.id()).status()).isEqualTo(200);
            }

            try (Connection c = DriverManager.getConnection(config.dbUrl()); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            long closedAt = System.nanoTime();

            List<int[]> seen = new ArrayList<>();
            int status = Poll.until(() -> {
                int ready = api.as(null).get("/readyz").status();
                int call = api.get(RUNS + "/" + run.id()).status();
                seen.add(new int[]{ready, call});
                return call;
            }, s -> s == 200, Duration.ofSeconds(30));
            long recoveredMs = (System.nanoTime() - closedAt) / 1_000_000;

            System.out.printf("H2 closed: served again after %d ms; observed (ready / call) %s%n", recoveredMs,
                    seen.stream().map(p -> p[0] + "/" + p[1]).toList());
            assertThat(status).isEqualTo(200);
            // once a call has failed, readiness does not claim "up" while calls still fail
            for (int i = 1; i < seen.size(); i++) {
                if (seen.get(i - 1)[1] != 200) {
                    assertThat(seen.get(i)[0] == 200 && seen.get(i)[1] != 200)
                            .as("sample %d: ready %d while the call answered %d", i, seen.get(i)[0], seen.get(i)[1])
                            .isFalse();
                }
            }
            assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("running");
            assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);
            assertThat(Poll.until(() -> api.as(null).get("/readyz").status(), s -> s == 200, Duration.ofSeconds(30)))
                    .isEqualTo(200);
        }
    }
}
