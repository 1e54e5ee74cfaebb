package io.exprun.server.store;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.OWNER;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Time agrees with causality: every transition time is the database's, taken at the conditional update itself (after
 * any row-lock wait), so whichever of a cancel and a worker's last writes commits first also carries the earlier
 * time. Before, the cancel time was read before the commit: a result could complete after its run's cancel time, or
 * read a negative duration.
 */
class TransitionTimesRaceTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final int TRIALS = 300;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void no_result_completes_after_its_runs_cancel_time_and_no_duration_is_negative(String kind) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TestServer server = TestServer.start(TestServer.config(kind, 0).withDbPoolSize(8))) {
            Http api = new Http(server.baseUri(), KEY_A);
            JdbiWorkerStore store = server.server().workerStore();
            JdbiRunStore runs = server.server().store();
            RunFixtures fx = server.fixtures();
            int cancelled = 0;
            int completed = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                Run run = fx.running(TENANT_A, 3, true); // 3 completed, 1 running, 1 pending
                String inFlight = results(runs, run).stream()
                        .filter(r -> r.status() == LifecycleStatus.RUNNING)
                        .findFirst()
                        .orElseThrow()
                        .id();
                CountDownLatch go = new CountDownLatch(1);
                Future<?> worker = pool.submit(() -> {
                    go.await();
                    if (store.completeResult(run.id(), inFlight, OWNER, "{}")) {
                        store.startNextResult(run.id(), OWNER)
                                .ifPresent(next -> store.completeResult(run.id(), next.id(), OWNER, "{}"));
                        store.finishRun(run.id(), OWNER, Lifecycle.of(LifecycleStatus.COMPLETED));
                    }
                    return null;
                });
                Future<Http.Answer> cancel = pool.submit(() -> {
                    go.await();
                    return api.post(RUNS + "/" + run.id() + "/cancel");
                });
                go.countDown();
                worker.get();
                int status = cancel.get().status();

                Run after = runs.findRun(TENANT_A, run.id()).orElseThrow();
                List<Result> results = results(runs, run);
                assertThat(after.completedAt())
                        .as("trial %d: run finished", trial)
                        .isNotNull();
                assertThat(after.completedAt())
                        .as("trial %d: run duration", trial)
                        .isAfterOrEqualTo(after.startedAt());
                for (Result r : results) {
                    assertThat(r.status().isTerminal())
                            .as("trial %d: %s", trial, r)
                            .isTrue();
                    if (r.startedAt() != null) {
                        assertThat(r.completedAt())
                                .as("trial %d: no negative duration: %s", trial, r)
                                .isAfterOrEqualTo(r.startedAt());
                    }
                    assertThat(r.completedAt())
                            .as("trial %d: no result completes after its run: %s", trial, r)
                            .isBeforeOrEqualTo(after.completedAt());
                }
                if (status == 200) {
                    cancelled++;
                    assertThat(after.status()).isEqualTo(LifecycleStatus.CANCELLED);
                } else {
                    completed++;
                    assertThat(status).isEqualTo(404);
                    assertThat(after.status()).isEqualTo(LifecycleStatus.COMPLETED);
                }
            }
            System.out.printf(
                    "%s: transition-time race over %d trials: %d cancelled first, %d completed first%n",
                    kind, TRIALS, cancelled, completed);
            assertThat(cancelled).as("the cancel won some races").isPositive();
            assertThat(completed).as("the worker won some races").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Result> results(JdbiRunStore store, Run run) {
        return store.listResults(TENANT_A, run.id(), new PageRequest(null, null, 10, true))
                .items();
    }
}
