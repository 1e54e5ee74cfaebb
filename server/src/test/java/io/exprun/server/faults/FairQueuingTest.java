package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.Limits;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.ops.TenantMeters;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TenantQueueMetrics;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Fair queuing at the front door: a tenant alone queues instead of being refused; a tenant that sends little is served
 * before another's backlog drains; only a tenant whose own queue is full, or whose request waited too long, gets 429;
 * requests without a known key share one queue. The API threads are held by requests waiting on a latch inside the
 * server ({@link Hold}), and what waits is read from the queue-depth gauges, so every step is an order of events,
 * never a duration.
 */
class FairQueuingTest {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String HOLD = "X-Test-Hold";
    static final String NAME = "X-Test-Name";
    private static final int THREADS = 2;

    /**
     * Runs on an API thread after the key check: records the X-Test-Name of every request it sees, in the order the
     * threads take them, and holds one whose X-Test-Hold names a gate until the gate opens.
     */
    @Priority(Priorities.USER + 100)
    public static final class Hold implements ContainerRequestFilter {
        private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
        final List<String> started = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void filter(ContainerRequestContext request) {
            String name = request.getHeaderString(NAME);
            if (name != null) {
                started.add(name);
            }
            String gate = request.getHeaderString(HOLD);
            if (gate == null) {
                return;
            }
            waiting.computeIfAbsent(gate, g -> new AtomicInteger()).incrementAndGet();
            try {
                // bounded only so a failed test cannot hang the build; the tests open every gate themselves
                gates.computeIfAbsent(gate, g -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int waitingAt(String gate) {
            AtomicInteger n = waiting.get(gate);
            return n == null ? 0 : n.get();
        }

        void open(String gate) {
            gates.computeIfAbsent(gate, g -> new CountDownLatch(1)).countDown();
        }

        /** Every API thread held at {@code gate} by {@code http}'s requests; returns their answers. */
        List<CompletableFuture<Http.Answer>> holdEveryThread(Http http, String path, String gate, int threads) {
            List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(http.sendAsync(http.builder(path).header(HOLD, gate).GET()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingAt(gate) == threads);
            return answers;
        }
    }

    private final Hold hold = new Hold();

    private TestServer start(Limits limits) {
        ServerConfig config =
                TestServer.embeddedConfig(0).withDbPoolSize(THREADS).withLimits(limits);
        return TestServer.start(
                config, new SimulatedBlockExecutor(config.simDocMillis(), config.simFailureRate()), List.of(hold));
    }

    static double queued(Http http, String tenant) {
        return TenantQueueMetrics.queued(http, tenant);
    }

    static double refused(Http http, String tenant, String reason) {
        return TenantQueueMetrics.refused(http, tenant, reason);
    }

    private static CompletableFuture<Http.Answer> named(Http http, String path, String name) {
        return http.sendAsync(http.builder(path).header(NAME, name).GET());
    }

    private static void assertAllOk(List<CompletableFuture<Http.Answer>> answers) throws Exception {
        for (CompletableFuture<Http.Answer> f : answers) {
            assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void a_tenant_alone_queues_behind_its_own_requests_and_every_one_is_answered() throws Exception {
        try (TestServer server = start(Limits.DEFAULTS)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            var held = hold.holdEveryThread(a, RUNS + "/" + run.id(), "a", THREADS);
            List<CompletableFuture<Http.Answer>> queued = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                queued.add(named(a, i % 2 == 0 ? RUNS + "/" + run.id() : RUNS + "?limit=5", "a" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TENANT_A) == 20);
            assertThat(queued).noneMatch(CompletableFuture::isDone);
            assertThat(a.as(null).get("/healthz").status())
                    .as("at the door, by no API thread")
                    .isEqualTo(200);

            hold.open("a");
            assertAllOk(held);
            assertAllOk(queued);
            assertThat(refused(a, TENANT_A, "queue_full")).isZero();
            assertThat(queued(a, TENANT_A)).isZero();
        }
    }

    /** Tenant A's backlog waits; B's one request, sent after it, starts before A's backlog has drained. */
    private List<String> orderOfService(Limits limits) throws Exception {
        try (TestServer server = start(limits)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http b = a.as(KEY_B);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            Run bRun = server.fixtures().runIn(TENANT_B, LifecycleStatus.RUNNING);
            var held = hold.holdEveryThread(a, RUNS + "/" + aRun.id(), "a", THREADS);
            List<CompletableFuture<Http.Answer>> queued = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                queued.add(named(a, RUNS + "/" + aRun.id(), "a" + i));
            }
            // off, every request waits in one queue, whose depth each tenant's gauge shows
            boolean fair = limits.fairQueuing();
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TENANT_A) == 30);
            queued.add(named(b, RUNS + "/" + bRun.id(), "b"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> fair ? queued(a, TENANT_B) == 1 : queued(a, TENANT_B) == 31);
            hold.open("a");
            assertAllOk(held);
            assertAllOk(queued);
            return List.copyOf(hold.started);
        }
    }

    @Test
    void a_tenant_that_sends_little_is_served_before_another_tenants_backlog_drains() throws Exception {
        List<String> order = orderOfService(Limits.DEFAULTS);
        assertThat(order).hasSize(31);
        // DRR's turn: at most a quantum of A's gets (7) before B's turn comes, as each of the 2 threads frees
        assertThat(order.indexOf("b")).as("B's place in %s", order).isLessThanOrEqualTo(7 + THREADS);
    }

    @Test
    void negative_control_one_first_come_first_served_queue_serves_b_after_a_backlog() throws Exception {
        List<String> order = orderOfService(Limits.DEFAULTS.withFairQueuing(false));
        assertThat(order.indexOf("b")).as("B's place in %s", order).isGreaterThan(7 + THREADS);
    }

    @Test
    void only_the_tenant_whose_queue_is_full_gets_429_and_others_queue() throws Exception {
        int queue = 3;
        try (TestServer server = start(Limits.DEFAULTS.withTenantQueue(queue))) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http b = a.as(KEY_B);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            Run bRun = server.fixtures().runIn(TENANT_B, LifecycleStatus.RUNNING);
            var held = hold.holdEveryThread(a, RUNS + "/" + aRun.id(), "a", THREADS);
            List<CompletableFuture<Http.Answer>> queued = new ArrayList<>();
            for (int i = 0; i < queue; i++) {
                queued.add(named(a, RUNS + "/" + aRun.id(), "a" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TENANT_A) == queue);

            Http.Answer refusedA = a.get(RUNS + "/" + aRun.id()); // answered while every thread is still held
            assertThat(refusedA.status()).isEqualTo(429);
            assertThat(refusedA.errorCode()).isEqualTo("tenant_over_limit");
            assertThat(refusedA.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refusedA.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(refused(a, TENANT_A, "queue_full")).isEqualTo(1.0);

            for (int i = 0; i < queue; i++) { // B's queue is its own: as long as A's, and not refused
                queued.add(named(b, RUNS + "/" + bRun.id(), "b" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TENANT_B) == queue);
            assertThat(refused(a, TENANT_B, "queue_full")).isZero();

            hold.open("a");
            assertAllOk(held);
            assertAllOk(queued);
            assertThat(a.get(RUNS + "/" + aRun.id()).status()).as("room again").isEqualTo(200);
        }
    }

    @Test
    void a_request_that_waited_longer_than_the_bound_is_answered_429_while_the_threads_are_still_held()
            throws Exception {
        try (TestServer server = start(Limits.DEFAULTS.withQueueMaxWait(Duration.ofMillis(200)))) {
            Http a = new Http(server.baseUri(), KEY_A);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            var held = hold.holdEveryThread(a, RUNS + "/" + aRun.id(), "a", THREADS);

            // returns once refused, the threads still held
            Http.Answer late = a.send(
                    a.builder(RUNS + "/" + aRun.id()).header(NAME, "late").GET());
            assertThat(hold.waitingAt("a")).isEqualTo(THREADS);
            assertThat(held).noneMatch(CompletableFuture::isDone);
            assertThat(late.status()).isEqualTo(429);
            assertThat(late.errorCode()).isEqualTo("tenant_over_limit");
            assertThat(late.json().at("/detail/message").asText()).contains("200 ms");
            assertThat(late.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused(a, TENANT_A, "waited_too_long")).isEqualTo(1.0);
            assertThat(queued(a, TENANT_A)).isZero();

            hold.open("a");
            assertAllOk(held);
            assertThat(hold.started).as("the refused request never ran").isEmpty();
        }
    }

    @Test
    void requests_without_a_known_key_share_one_queue_and_cannot_take_a_tenants_place() throws Exception {
        int queue = 3;
        try (TestServer server = start(Limits.DEFAULTS.withTenantQueue(queue))) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http b = a.as(KEY_B);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            Run bRun = server.fixtures().runIn(TENANT_B, LifecycleStatus.RUNNING);
            var held = hold.holdEveryThread(a, RUNS + "/" + aRun.id(), "a", THREADS);
            List<CompletableFuture<Http.Answer>> bad = new ArrayList<>();
            for (int i = 0; i < queue; i++) { // different bad keys, and none: one flow all the same
                Http stranger = a.as(i == 0 ? null : "not-a-key-" + i);
                bad.add(stranger.sendAsync(
                        stranger.builder(RUNS + "/" + aRun.id()).GET()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TenantMeters.UNAUTHENTICATED) == queue);

            Http.Answer shed = a.as("yet-another-bad-key").get(RUNS + "/" + aRun.id());
            assertThat(shed.status()).isEqualTo(429);
            assertThat(shed.errorCode()).isEqualTo("overloaded");
            assertThat(refused(a, TenantMeters.UNAUTHENTICATED, "queue_full")).isEqualTo(1.0);

            CompletableFuture<Http.Answer> bGet = named(b, RUNS + "/" + bRun.id(), "b");
            await().atMost(Duration.ofSeconds(10)).until(() -> queued(a, TENANT_B) == 1);
            assertThat(refused(a, TENANT_B, "queue_full")).isZero();

            hold.open("a");
            assertAllOk(held);
            assertThat(bGet.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            for (CompletableFuture<Http.Answer> f : bad) {
                assertThat(f.get(30, TimeUnit.SECONDS).status())
                        .as("still checked by Jersey")
                        .isEqualTo(401);
            }
        }
    }
}
