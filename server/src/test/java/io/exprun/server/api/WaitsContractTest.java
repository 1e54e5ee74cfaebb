package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The wait of contract 0.3.0, {@code GET …/runs/{id}?wait_for=terminal&timeout=…}: answered as soon as the run is
 * terminal (a cancel through the API, a transition another instance commits), or with the run as it is once the timeout
 * has passed; no thread per wait; bounded per tenant. Runs once per database ({@link RunsApiOnSqliteTest},
 * {@link RunsApiOnPostgresTest}); no workers: the fixtures and the API make every transition. Waits are ordered by
 * what the server says it holds ({@code RunWaits.waiting()}), never by sleeping.
 */
abstract class WaitsContractTest extends RunsApiContract {

    private static final int MAX_WAITS = 120;

    /** Four API threads: more waits at once than threads proves that a wait holds none. */
    @Override
    @org.junit.jupiter.api.BeforeAll
    void start() {
        ServerConfig config = freshConfig(0).withDbPoolSize(4);
        server = TestServer.start(config.withLimits(config.limits().withTenantMaxWaits(MAX_WAITS)));
        api = new Http(server.baseUri(), io.exprun.server.testing.RunFixtures.KEY_A);
        fx = server.fixtures();
    }

    private CompletableFuture<Http.Answer> waitFor(String runId, String timeout) {
        return api.sendAsync(
                api.builder(RUNS + "/" + runId + "?wait_for=terminal" + (timeout == null ? "" : "&timeout=" + timeout))
                        .GET());
    }

    private void awaitWaiting(int n) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.server().waits().waiting() >= n);
    }

    @Test
    void a_terminal_run_is_answered_at_once() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.COMPLETED);
        Http.Answer a = api.get(RUNS + "/" + run.id() + "?wait_for=terminal&timeout=60s");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.lifecycleStatus()).isEqualTo("completed");
        assertThat(server.server().waits().waiting()).isZero();
    }

    @Test
    void a_cancel_through_the_api_answers_the_wait_with_the_cancelled_run() throws Exception {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        CompletableFuture<Http.Answer> wait = waitFor(run.id(), "60s");
        awaitWaiting(1);
        assertThat(wait).isNotDone();

        api.post(RUNS + "/" + run.id() + "/cancel");

        Http.Answer a = wait.get(10, TimeUnit.SECONDS); // far before its 60 s
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.lifecycleStatus()).isEqualTo("cancelled");
        assertThat(a.headers().firstValue("ETag")).isPresent();
    }

    @Test
    void a_transition_committed_elsewhere_answers_the_wait_at_the_next_poll() throws Exception {
        Run run = fx.running(TENANT_A, 0, false);
        CompletableFuture<Http.Answer> wait = waitFor(run.id(), "60s");
        awaitWaiting(1);

        fx.complete(run); // straight in the store, as another instance's worker: nothing in this process is told

        Http.Answer a = wait.get(10, TimeUnit.SECONDS);
        assertThat(a.lifecycleStatus()).isEqualTo("completed");
    }

    @Test
    void a_wait_whose_time_is_up_answers_the_run_as_it_is_no_sooner() throws Exception {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.PENDING);
        long started = System.nanoTime();
        Http.Answer a = waitFor(run.id(), "400ms").get(30, TimeUnit.SECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.lifecycleStatus()).isEqualTo("pending");
        assertThat(waited).as("waited (ms)").isGreaterThanOrEqualTo(400);
        await().until(() -> server.server().waits().waiting() == 0);
    }

    @Test
    void a_wait_that_ends_on_the_etag_it_was_given_is_not_modified() throws Exception {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.PENDING);
        String tag = api.get(RUNS + "/" + run.id()).headers().firstValue("ETag").orElseThrow();

        Http.Answer a = api.sendAsync(api.builder(RUNS + "/" + run.id() + "?wait_for=terminal&timeout=200ms")
                        .header("If-None-Match", tag)
                        .GET())
                .get(30, TimeUnit.SECONDS);

        assertThat(a.status()).isEqualTo(304);
        assertThat(a.headers().firstValue("ETag")).hasValue(tag);
    }

    @Test
    void many_waits_at_once_hold_no_thread_and_each_gets_the_end() throws Exception {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        int waits = 100; // 25 times the API threads, and far more than the tenant's 4 requests at once
        List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < waits; i++) {
            answers.add(waitFor(run.id(), "60s"));
        }
        awaitWaiting(waits);
        assertThat(server.server().waits().waiting()).isEqualTo(waits);
        assertThat(api.get(RUNS + "/" + run.id()).status())
                .as("the API still answers")
                .isEqualTo(200);

        api.post(RUNS + "/" + run.id() + "/cancel");

        for (CompletableFuture<Http.Answer> a : answers) {
            assertThat(a.get(30, TimeUnit.SECONDS).lifecycleStatus()).isEqualTo("cancelled");
        }
        await().until(() -> server.server().waits().waiting() == 0);
    }

    @Test
    void the_tenants_waits_are_bounded_and_given_back() throws Exception {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.PENDING);
        List<CompletableFuture<Http.Answer>> held = new ArrayList<>();
        for (int i = 0; i < MAX_WAITS; i++) {
            held.add(waitFor(run.id(), "60s"));
        }
        awaitWaiting(MAX_WAITS);

        Http.Answer refused = api.get(RUNS + "/" + run.id() + "?wait_for=terminal");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("tenant_waits_over_limit");
        assertThat(refused.json().at("/detail/details/limit").asInt()).isEqualTo(MAX_WAITS);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(api.get(RUNS + "/" + run.id()).status())
                .as("a read that does not wait")
                .isEqualTo(200);

        api.post(RUNS + "/" + run.id() + "/cancel");
        for (CompletableFuture<Http.Answer> a : held) {
            assertThat(a.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        var waits = server.server().tenantWaits();
        await().until(() -> waits.inProgress(TENANT_A) == 0);
    }

    @Test
    void a_timeout_the_spec_does_not_allow_is_refused_422() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.PENDING);
        for (String timeout : List.of("61s", "2m", "-1s", "60001ms", "soon")) {
            Http.Answer a = api.get(RUNS + "/" + run.id() + "?wait_for=terminal&timeout=" + timeout);
            assertThat(a.status()).as(timeout).isEqualTo(422);
            assertThat(a.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"timeout\"]");
        }
        assertThat(api.get(RUNS + "/" + run.id() + "?wait_for=soon")
                        .json()
                        .at("/detail/0/loc")
                        .toString())
                .isEqualTo("[\"query\",\"wait_for\"]");
    }
}
