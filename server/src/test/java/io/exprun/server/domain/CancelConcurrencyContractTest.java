package io.exprun.server.domain;

import static io.exprun.server.testing.RunFixtures.OWNER;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.store.JdbiRunStore;
import io.exprun.server.store.JdbiWorkerStore;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.ServerConfiguration;
import io.exprun.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cancel under contention, through real HTTP and a real database: whatever the interleaving, exactly one outcome,
 * and every answer given agrees with it. Runs once per database (the subclasses name theirs in their
 * {@link ExprunServerTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CancelConcurrencyContractTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    private TestServer server;
    private Http api;
    private RunFixtures fx;
    private JdbiRunStore store;
    private JdbiWorkerStore workers;
    private ExecutorService pool;

    /** 32 concurrent cancels of one tenant, on a pool that can serve them all at once. */
    @ServerConfiguration
    static ServerConfig thirtyTwoAtOnce(ServerConfig fresh) {
        return fresh.withDbPoolSize(40);
    }

    @BeforeAll
    void start() {
        store = server.server().store();
        workers = server.server().workerStore();
        pool = Executors.newFixedThreadPool(32);
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void thirty_two_concurrent_cancels_of_one_running_run_give_exactly_one_200() throws Exception {
        for (int trial = 0; trial < 5; trial++) {
            Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return api.post(RUNS + "/" + run.id() + "/cancel");
                }));
            }
            go.countDown();

            int ok = 0;
            for (Future<Http.Answer> f : answers) {
                Http.Answer a = f.get();
                if (a.status() == 200) {
                    ok++;
                } else {
                    assertThat(a.status()).isEqualTo(404);
                    assertThat(a.errorCode()).isEqualTo("run_not_cancellable");
                    assertThat(a.json().at("/detail/details/status").asText()).isEqualTo("cancelled");
                }
            }
            assertThat(ok).as("trial %d", trial).isEqualTo(1);
            assertNothingUnfinished(run.id());
        }
    }

    @Test
    void cancel_racing_the_last_results_completion_leaves_one_outcome_that_agrees_with_the_answers() throws Exception {
        int cancelled = 0;
        int completed = 0;
        int trial;
        // at least 60 races, and as many more (up to 300) as it takes to see both interleavings happen
        for (trial = 0; trial < 300 && (trial < 60 || cancelled == 0 || completed == 0); trial++) {
            // 4 results completed, the 5th running: the worker is about to finish the run
            Run run = fx.running(TENANT_A, 4, true);
            String last = store.listResults(TENANT_A, run.id(), new PageRequest(null, null, 10, true)).items().stream()
                    .filter(r -> r.status() == LifecycleStatus.RUNNING)
                    .findFirst()
                    .orElseThrow()
                    .id();
            CountDownLatch go = new CountDownLatch(1);
            Future<Boolean> worker = pool.submit(() -> {
                go.await();
                boolean recorded = workers.completeResult(run.id(), last, OWNER, "{}");
                boolean finished = workers.finishRun(run.id(), OWNER, Lifecycle.of(LifecycleStatus.COMPLETED));
                if (finished) {
                    assertThat(recorded)
                            .as("a run finished although its last result was not recorded")
                            .isTrue();
                }
                return finished;
            });
            Future<Http.Answer> cancel = pool.submit(() -> {
                go.await();
                return api.post(RUNS + "/" + run.id() + "/cancel");
            });
            go.countDown();

            boolean finished = worker.get();
            Http.Answer answer = cancel.get();
            Run after = store.findRun(TENANT_A, run.id()).orElseThrow();
            if (answer.status() == 200) {
                cancelled++;
                assertThat(finished).isFalse();
                assertThat(after.status()).isEqualTo(LifecycleStatus.CANCELLED);
            } else {
                completed++;
                assertThat(answer.status()).isEqualTo(404);
                assertThat(answer.json().at("/detail/details/status").asText()).isEqualTo("completed");
                assertThat(finished).isTrue();
                assertThat(after.status()).isEqualTo(LifecycleStatus.COMPLETED);
                assertThat(after.completedDocumentCount()).isEqualTo(5);
            }
            assertNothingUnfinished(run.id());
        }
        System.out.printf("cancel vs completion race: %d cancelled, %d completed first%n", cancelled, completed);
        assertThat(cancelled).as("races the cancel won, of %d", trial).isPositive();
        assertThat(completed).as("races the completion won, of %d", trial).isPositive();
    }

    @Test
    void a_worker_cannot_record_a_result_after_its_run_was_cancelled() {
        Run run = fx.running(TENANT_A, 0, true);
        Result inFlight = store.listResults(TENANT_A, run.id(), new PageRequest(null, null, 10, true)).items().stream()
                .filter(r -> r.status() == LifecycleStatus.RUNNING)
                .findFirst()
                .orElseThrow();
        assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);

        assertThat(workers.completeResult(run.id(), inFlight.id(), OWNER, "{}")).isFalse();
        assertThat(workers.failResult(run.id(), inFlight.id(), OWNER, "late", null))
                .isFalse();
        assertThat(workers.finishRun(run.id(), OWNER, Lifecycle.of(LifecycleStatus.COMPLETED)))
                .isFalse();
        assertThat(workers.startNextResult(run.id(), OWNER)).isEmpty();

        Run after = store.findRun(TENANT_A, run.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(LifecycleStatus.CANCELLED);
        assertThat(after.completedDocumentCount()).isZero();
        assertThat(store.findResult(TENANT_A, inFlight.id()).orElseThrow().status())
                .isEqualTo(LifecycleStatus.CANCELLED);
    }

    private void assertNothingUnfinished(String runId) {
        assertThat(store.listResults(TENANT_A, runId, new PageRequest(null, null, 100, true))
                        .items())
                .extracting(Result::status)
                .allMatch(LifecycleStatus::isTerminal);
    }
}
