package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL: a wait on one instance learns of a transition the other commits (its cancel), from
 * the waiting instance's poll (RunWaits.POLL). How fast is printed, not asserted (a loaded machine stretches it; the
 * benchmark measures it: bench/run-waits.sh); asserted is that the wait ends on the transition, long before its time
 * is up, and (the control) that without the transition the same wait runs to its timeout.
 */
class WaitsAcrossInstancesTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @Test
    void a_transition_committed_by_the_other_instance_ends_the_wait() throws Exception {
        int trials = 30;
        ServerConfig a = TestServer.config("postgres", 0).withDbEmbedded(false);
        try (TestServer waiting = TestServer.start(a);
                TestServer other = TestServer.start(a)) {
            Http here = new Http(waiting.baseUri(), KEY_A);
            Http there = new Http(other.baseUri(), KEY_A);
            long[] millis = new long[trials];
            for (int i = 0; i < trials; i++) {
                String id = there.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText();
                CompletableFuture<Http.Answer> wait =
                        here.sendAsync(here.builder(RUNS + "/" + id + "?wait_for=terminal&timeout=60s")
                                .GET());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> waiting.server().waits().waiting() == 1);

                assertThat(there.post(RUNS + "/" + id + "/cancel").status()).isEqualTo(200);
                long committed = System.nanoTime(); // the cancel's answer: its commit is behind us

                Http.Answer answer = wait.get(30, TimeUnit.SECONDS);
                millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - committed);
                assertThat(answer.lifecycleStatus()).as("trial %d", i).isEqualTo("cancelled");
                assertThat(millis[i])
                        .as("trial %d ended on the transition, not the 60 s", i)
                        .isLessThan(20_000);
            }
            Arrays.sort(millis);
            System.out.printf(
                    "wait across instances (PostgreSQL, %d trials, cancel committed on B → the wait on A answers): "
                            + "p50 %d ms, p99 %d ms, max %d ms (poll every %d ms)%n",
                    trials,
                    millis[trials / 2],
                    millis[(int) Math.ceil(trials * 0.99) - 1],
                    millis[trials - 1],
                    io.exprun.server.domain.RunWaits.POLL.toMillis());

            // the control: with no transition anywhere, the same wait lasts its whole timeout
            String still = there.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            long started = System.nanoTime();
            Http.Answer pending = here.get(RUNS + "/" + still + "?wait_for=terminal&timeout=1500ms");
            assertThat(pending.lifecycleStatus()).isEqualTo("pending");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(1500);
        }
    }
}
