package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Beyond its tenant's bounded queue the server sheds that tenant's load at once: 429 {@code tenant_over_limit} with
 * Retry-After in the contract's shape, and /healthz answers, while every API thread and queue slot is still blocked;
 * every request it did accept is answered once the blockage clears. The API threads are held deterministically by a row lock on the run they cancel, so "at once" is
 * an order of events (answered before the lock is released), not a number of milliseconds a loaded machine stretches.
 */
class OverloadTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final int THREADS = 2;
    private static final int QUEUE = 2;

    private static double gauge(Http http, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + label + "[^}]*} ([0-9.E]+)")
                .matcher(http.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void requests_beyond_the_queue_get_an_immediate_429_and_accepted_ones_are_all_answered() throws Exception {
        ServerConfig config = TestServer.embeddedConfig(0)
                .withDbPoolSize(THREADS)
                .withLimits(io.exprun.server.config.Limits.DEFAULTS.withTenantQueue(QUEUE));
        try (TestServer server = TestServer.start(config)) {
            Http api = new Http(server.baseUri(), KEY_A);
            Http anonymous = api.as(null);
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < THREADS + QUEUE; i++) {
                runs.add(server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING));
            }
            List<CompletableFuture<Http.Answer>> accepted = new ArrayList<>();
            try (Connection lock = DriverManager.getConnection(config.dbUrl())) {
                lock.setAutoCommit(false);
                for (Run r : runs) { // write every run's row and hold the lock: their cancels wait (busy timeout 10 s)
                    try (PreparedStatement ps = lock.prepareStatement("UPDATE runs SET status = status WHERE id = ?")) {
                        ps.setString(1, r.id());
                        ps.executeUpdate();
                    }
                }
                for (Run r : runs) {
                    accepted.add(CompletableFuture.supplyAsync(() -> api.post(RUNS + "/" + r.id() + "/cancel")));
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(
                                () -> gauge(anonymous, "executor_active_threads", "name=\"exprun-http\"")
                                        + io.exprun.server.testing.TenantQueueMetrics.queued(anonymous, TENANT_A),
                                n -> n >= THREADS + QUEUE);

                Latencies shed = new Latencies();
                for (int i = 0; i < 30; i++) {
                    long t = System.nanoTime();
                    Http.Answer a = api.get(RUNS + "?limit=1");
                    shed.add((System.nanoTime() - t) / 1_000_000);
                    assertThat(a.status()).isEqualTo(429);
                    assertThat(a.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(a.errorCode()).isEqualTo("tenant_over_limit");
                }
                long t = System.nanoTime();
                assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
                long healthMs = (System.nanoTime() - t) / 1_000_000;
                System.out.printf("overload: 429s %s; /healthz %d ms%n", shed, healthMs);
                lock.commit(); // the blockage clears
            }
            for (CompletableFuture<Http.Answer> f : accepted) {
                assertThat(f.get().status()).isEqualTo(200);
            }
            for (Run r : runs) {
                assertThat(api.get(RUNS + "/" + r.id()).lifecycleStatus()).isEqualTo("cancelled");
            }
        }
    }
}
