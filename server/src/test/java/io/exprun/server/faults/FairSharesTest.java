package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.config.Limits;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fair shares (EXPRUN_TENANT_MAX_CONCURRENT, EXPRUN_TENANT_MAX_LISTS): a tenant at a bound gets 429 naming it, with
 * Retry-After, while another tenant and /healthz are answered; a tenant's lists meet their own, smaller bound first;
 * permits come back however a request ends. Requests are held inside the server, after the fair-share gate, by a test
 * filter that waits on a latch ({@link Hold}); "held" is the count of requests waiting there, so every step is an order
 * of events, never a duration.
 */
class FairSharesTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String HOLD = "X-Test-Hold";
    private static final String FAULT = "X-Test-Fault";
    private static final int THREADS = 6;
    private static final int SHARE = 3;
    private static final int LISTS = 1;

    /** Runs after the fair-share gate: holds a request whose X-Test-Hold names a gate until it opens; throws on X-Test-Fault. */
    @Priority(Priorities.USER + 100)
    public static final class Hold implements ContainerRequestFilter {
        private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();

        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getHeaderString(FAULT) != null) {
                throw new IllegalStateException("injected fault");
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
    }

    private final Hold hold = new Hold();

    private TestServer start(int share, int lists) {
        ServerConfig config = TestServer.embeddedConfig(0)
                .withDbPoolSize(THREADS)
                .withLimits(Limits.DEFAULTS.withTenantMaxConcurrent(share).withTenantMaxLists(lists));
        return TestServer.start(
                config, new SimulatedBlockExecutor(config.simDocMillis(), config.simFailureRate()), List.of(hold));
    }

    /** Sends {@code n} requests as {@code http} through gate {@code gate} and returns once all of them wait there. */
    private List<CompletableFuture<Http.Answer>> held(Http http, String path, String gate, int n) {
        List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(CompletableFuture.supplyAsync(
                    () -> http.send(http.builder(path).header(HOLD, gate).GET())));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hold.waitingAt(gate) == n);
        return answers;
    }

    private void release(String gate, List<CompletableFuture<Http.Answer>> answers) throws Exception {
        hold.open(gate);
        for (CompletableFuture<Http.Answer> f : answers) {
            assertThat(f.get().status()).isEqualTo(200);
        }
    }

    /** The value of a fair-share series of tenant A for this bound, else -1. */
    private static double tenantA(Http http, String name, String bound) {
        Matcher m = Pattern.compile(
                        "(?m)^" + name + "\\{bound=\"" + bound + "\",tenant=\"" + TENANT_A + "\",?} ([0-9.E]+)$")
                .matcher(http.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static void assertRefused(Http.Answer answer, String code, String bound, int limit) {
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
        JsonNode detail = answer.json().path("detail");
        assertThat(detail.path("code").asText()).isEqualTo(code);
        assertThat(detail.path("message").asText()).contains(Integer.toString(limit));
        assertThat(detail.path("details").path("bound").asText()).isEqualTo(bound);
        assertThat(detail.path("details").path("limit").asInt()).isEqualTo(limit);
    }

    @Test
    void a_tenant_at_its_bound_gets_429_while_another_tenant_and_healthz_are_answered() throws Exception {
        try (TestServer server = start(SHARE, LISTS)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http b = a.as(KEY_B);
            Http anonymous = a.as(null);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            Run bRun = server.fixtures().runIn(TENANT_B, LifecycleStatus.RUNNING);
            var aHeld = held(a, RUNS + "/" + aRun.id(), "a", SHARE);

            assertRefused(a.get(RUNS + "/" + aRun.id()), "tenant_over_limit", "requests", SHARE);
            assertRefused(a.post(RUNS + "/" + aRun.id() + "/cancel"), "tenant_over_limit", "requests", SHARE);
            assertThat(b.get(RUNS + "/" + bRun.id()).status()).isEqualTo(200);
            assertThat(b.get(RUNS + "?limit=5").status()).isEqualTo(200);
            assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_refused_total", "requests"))
                    .isEqualTo(2.0);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_in_progress", "requests"))
                    .isEqualTo(SHARE);

            // B takes every API thread A left: /healthz is still answered, at the front door, by no API thread
            var bHeld = held(b, RUNS + "/" + bRun.id(), "b", THREADS - SHARE);
            assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
            assertThat(aHeld).allSatisfy(f -> assertThat(f).isNotDone());

            release("a", aHeld);
            release("b", bHeld);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> tenantA(anonymous, "exprun_tenant_requests_in_progress", "requests") == 0);
            assertThat(a.get(RUNS + "/" + aRun.id()).status()).isEqualTo(200);
        }
    }

    @Test
    void a_tenants_lists_meet_their_own_bound_before_the_bound_on_all_its_requests() throws Exception {
        try (TestServer server = start(SHARE, LISTS)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http anonymous = a.as(null);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            var listing = held(a, RUNS + "?limit=100", "list", LISTS);

            // every operation the spec says answers a page is a list, the one held or another
            for (String list : List.of(
                    RUNS + "?limit=5",
                    "/v1/workflows/experiments/results?run_id=" + aRun.id(),
                    "/v1/workflows/experiments")) {
                assertRefused(a.get(list), "tenant_lists_over_limit", "lists", LISTS);
            }
            // one request in progress of SHARE: a get is still admitted, and a refused list held no permit
            assertThat(a.get(RUNS + "/" + aRun.id()).status()).isEqualTo(200);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_in_progress", "requests"))
                    .isEqualTo(LISTS);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_refused_total", "lists"))
                    .isEqualTo(3.0);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_refused_total", "requests"))
                    .isEqualTo(0.0);
            assertThat(a.as(KEY_B).get(RUNS + "?limit=5").status()).isEqualTo(200);

            release("list", listing);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> tenantA(anonymous, "exprun_tenant_requests_in_progress", "lists") == 0);
            assertThat(a.get(RUNS + "?limit=5").status()).isEqualTo(200);
        }
    }

    @Test
    void permits_come_back_after_failures_not_found_invalid_input_and_clients_that_left() throws Exception {
        try (TestServer server = start(SHARE, LISTS)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http anonymous = a.as(null);
            // more of each kind than the share: one leaked permit per request would exhaust it
            for (int i = 0; i < SHARE + 1; i++) {
                assertThat(a.send(a.builder(RUNS + "?limit=1")
                                        .header(FAULT, "1")
                                        .GET())
                                .status())
                        .as("an unexpected exception")
                        .isEqualTo(500);
                assertThat(a.get(RUNS + "/run_does_not_exist").status())
                        .as("not found")
                        .isEqualTo(404);
                assertThat(a.get(RUNS + "?limit=0").status())
                        .as("invalid input")
                        .isEqualTo(422);
            }
            // clients that leave while their request is held inside the server
            List<Socket> clients = new ArrayList<>();
            for (String target : List.of(RUNS + "?limit=1", RUNS + "/run_gone", RUNS + "/run_gone")) {
                Socket s = new Socket(server.baseUri().getHost(), server.port());
                OutputStream out = s.getOutputStream();
                out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY_A + "\r\n"
                                + HOLD + ": left\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                clients.add(s);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> hold.waitingAt("left") == SHARE);
            for (Socket s : clients) {
                s.close();
            }
            hold.open("left");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> tenantA(anonymous, "exprun_tenant_requests_in_progress", "requests") == 0);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_in_progress", "lists"))
                    .isEqualTo(0);

            // the whole share is there again: SHARE held at once (one a list), and only the next one refused
            var list = held(a, RUNS + "?limit=1", "again-list", LISTS);
            var gets = held(a, RUNS + "/run_does_not_exist", "again", SHARE - LISTS);
            assertThat(a.get(RUNS + "/run_does_not_exist").errorCode()).isEqualTo("tenant_over_limit");
            hold.open("again");
            for (var f : gets) {
                assertThat(f.get().status()).isEqualTo(404);
            }
            release("again-list", list);
        }
    }

    @Test
    void negative_control_with_higher_bounds_the_same_requests_are_all_admitted() throws Exception {
        try (TestServer server = start(SHARE + 1, LISTS + 1)) {
            Http a = new Http(server.baseUri(), KEY_A);
            Http anonymous = a.as(null);
            Run aRun = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);

            var listing = held(a, RUNS + "?limit=100", "list", LISTS);
            assertThat(a.get(RUNS + "?limit=5").status()).isEqualTo(200);
            release("list", listing);

            var gets = held(a, RUNS + "/" + aRun.id(), "a", SHARE);
            assertThat(a.get(RUNS + "/" + aRun.id()).status()).isEqualTo(200);
            release("a", gets);

            assertThat(tenantA(anonymous, "exprun_tenant_requests_refused_total", "lists"))
                    .isEqualTo(0.0);
            assertThat(tenantA(anonymous, "exprun_tenant_requests_refused_total", "requests"))
                    .isEqualTo(0.0);
        }
    }
}
