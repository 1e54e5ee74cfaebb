package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops under load and comes back: while it is down every API call answers 503 with Retry-After, sooner
 * than the JDBC driver's own 10 s connect timeout would (the store fails fast); /healthz keeps answering throughout
 * the outage (probes complete while the database is down: an order of events, not milliseconds); /readyz says down;
 * once it is back, calls succeed without a restart, with nothing lost. Latencies are printed, not asserted: a loaded
 * machine stretches them, and timing is the benchmarks' job. A dedicated embedded PostgreSQL on a fixed port and data
 * directory, so it can be stopped and started again as itself.
 */
class DatabaseOutageOnPostgresTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final int CLIENTS = 16;
    private static final int CALLS_PER_CLIENT = 8;

    private static EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    @Test
    void a_stopped_postgresql_gets_fast_503s_healthy_liveness_and_recovery_without_a_restart() throws Exception {
        Path data = Files.createTempDirectory("exprun-pg-outage-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = start(data, port);
        // CLIENTS concurrent clients of one tenant, lists among them, with the server's defaults, must meet the outage
        // (503), never a 429
        try (TestServer server = TestServer.start(
                TestServer.embeddedConfig(0).withDb(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"))) {
            Http api = new Http(server.baseUri(), KEY_A);
            Run before = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            assertThat(api.get("/readyz").status()).isEqualTo(200);

            Latencies health = new Latencies();
            AtomicBoolean probing = new AtomicBoolean(true);
            AtomicBoolean down = new AtomicBoolean(false);
            java.util.concurrent.atomic.AtomicInteger answeredWhileDown =
                    new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            Future<?> liveness = pool.submit(() -> {
                while (probing.get()) {
                    long t = System.nanoTime();
                    boolean sentWhileDown = down.get();
                    assertThat(api.as(null).get("/healthz").status()).isEqualTo(200);
                    health.add((System.nanoTime() - t) / 1_000_000);
                    if (sentWhileDown && down.get()) {
                        answeredWhileDown.incrementAndGet();
                    }
                }
                return null;
            });

            Latencies calls = new Latencies();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        long t = System.nanoTime();
                        Http.Answer a = switch ((client + i) % 4) {
                            case 0 -> api.get(RUNS + "/" + before.id());
                            case 1 -> api.get(RUNS + "?limit=5");
                            case 2 -> api.post(RUNS + "/" + before.id() + "/cancel");
                            default -> api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}");
                        };
                        calls.add((System.nanoTime() - t) / 1_000_000);
                        statuses.merge(a.status(), 1, Integer::sum);
                        if (a.status() == 503) {
                            assertThat(a.headers().firstValue("Retry-After")).isPresent();
                            assertThat(a.errorCode()).isEqualTo("unavailable");
                        }
                    }
                    return null;
                }));
            }
            down.set(true);
            pg.close(); // stopped: the clients start at once, before anything has noticed
            long stoppedAt = System.nanoTime();
            go.countDown();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.as(null).get("/readyz").status(), s -> s == 503);
            long readinessMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> answeredWhileDown.get() >= 5);
            down.set(false);
            EmbeddedPostgres again = start(data, port);
            try {
                long backAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> api.get(RUNS + "/" + before.id()).status(), s -> s == 200);
                long recoveryMs = (System.nanoTime() - backAt) / 1_000_000;
                probing.set(false);
                liveness.get(10, TimeUnit.SECONDS);
                pool.shutdown();

                System.out.printf(
                        "postgres down: readiness 503 after %d ms; API %s; statuses %s; /healthz %s; "
                                + "first success %d ms after restart%n",
                        readinessMs, calls, statuses, health, recoveryMs);
                assertThat(calls.count()).isGreaterThanOrEqualTo(100);
                assertThat(statuses).containsOnlyKeys(503);
                assertThat(calls.max())
                        .as("no call waited for the driver's 10 s connect timeout")
                        .isLessThan(10_000);
                assertThat(api.get(RUNS + "/" + before.id()).lifecycleStatus()).isEqualTo("running");
                assertThat(api.get("/readyz").status()).isEqualTo(200);
            } finally {
                again.close();
            }
        }
    }

    @Test
    void while_the_database_is_down_a_full_queue_or_a_wait_too_long_is_answered_503_not_429() throws Exception {
        Path data = Files.createTempDirectory("exprun-pg-outage-queue-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = start(data, port);
        FairQueuingTest.Hold hold = new FairQueuingTest.Hold();
        var config = TestServer.embeddedConfig(0)
                .withDb(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")
                .withDbPoolSize(2)
                .withLimits(io.exprun.server.config.Limits.DEFAULTS
                        .withTenantQueue(1)
                        .withQueueMaxWait(Duration.ofMillis(200)));
        try (TestServer server = TestServer.start(
                config,
                new io.exprun.server.work.SimulatedBlockExecutor(config.simDocMillis(), config.simFailureRate()),
                List.of(hold))) {
            Http api = new Http(server.baseUri(), KEY_A);
            Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            String path = FairQueuingTest.RUNS + "/" + run.id();
            var held = hold.holdEveryThread(api, path, "held", 2);
            pg.close();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !server.server().database().health().up());

            // one waits in the tenant's queue of 1 until it has waited too long; the next finds the queue full
            // (or, on a machine slow enough, the first already refused, and waits too long in turn)
            CompletableFuture<Http.Answer> waiting =
                    api.sendAsync(api.builder(path).GET());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> waiting.isDone() || FairQueuingTest.queued(api, TENANT_A) == 1);
            List<Http.Answer> refused = List.of(api.get(path), waiting.get(30, TimeUnit.SECONDS));
            for (Http.Answer a : refused) {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.errorCode()).isEqualTo("unavailable");
                assertThat(a.headers().firstValue("Retry-After")).hasValue("1");
            }
            assertThat(FairQueuingTest.refused(api, TENANT_A, "database_down")).isEqualTo(2.0);
            assertThat(FairQueuingTest.refused(api, TENANT_A, "queue_full")
                            + FairQueuingTest.refused(api, TENANT_A, "waited_too_long"))
                    .isZero();

            hold.open("held");
            for (CompletableFuture<Http.Answer> f : held) {
                assertThat(f.get(30, TimeUnit.SECONDS).status())
                        .as("the database's own 503")
                        .isEqualTo(503);
            }
        }
    }
}
