package io.exprun.server.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    /** Records the batches it "commits"; a request named "poison" makes its whole batch fail. */
    private static final class Recording extends GroupCommit<String, String> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> alone = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch holdFirstBatch;

        Recording(CountDownLatch holdFirstBatch) {
            super(64);
            this.holdFirstBatch = holdFirstBatch;
        }

        @Override
        protected List<String> inOneTransaction(List<String> batch) {
            batches.add(batch);
            if (batches.size() == 1) {
                try {
                    holdFirstBatch.await(); // the first commit is slow: everyone else queues behind it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (batch.contains("poison")) {
                throw new IllegalStateException("batch rolled back");
            }
            return batch.stream().map(r -> "done:" + r).toList();
        }

        @Override
        protected String alone(String request) {
            alone.add(request);
            if (request.equals("poison")) {
                throw new IllegalArgumentException("bad request");
            }
            return "alone:" + request;
        }
    }

    @Test
    void callers_arriving_during_a_commit_share_the_next_one_and_each_gets_its_own_outcome() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording commits = new Recording(release);
        ExecutorService pool = Executors.newFixedThreadPool(11);
        try {
            Future<String> first = pool.submit(() -> commits.submit("r0"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !commits.batches.isEmpty());
            List<Future<String>> rest = new ArrayList<>();
            Set<Thread> callers = ConcurrentHashMap.newKeySet();
            for (int i = 1; i <= 10; i++) {
                String r = "r" + i;
                rest.add(pool.submit(() -> {
                    callers.add(Thread.currentThread());
                    return commits.submit(r);
                }));
            }
            awaitAllWaitingForTheirOutcome(callers, 10); // queued up behind the slow first commit
            release.countDown();

            assertThat(first.get()).isEqualTo("done:r0");
            for (int i = 1; i <= 10; i++) {
                assertThat(rest.get(i - 1).get()).isEqualTo("done:r" + i);
            }
            assertThat(commits.batches).hasSize(2);
            assertThat(commits.batches.get(1)).hasSize(10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_failing_batch_is_retried_one_by_one_so_only_the_bad_request_fails() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording commits = new Recording(release);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<String> first = pool.submit(() -> commits.submit("r0"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !commits.batches.isEmpty());
            Set<Thread> callers = ConcurrentHashMap.newKeySet();
            Future<String> good = pool.submit(() -> {
                callers.add(Thread.currentThread());
                return commits.submit("good");
            });
            Future<String> poison = pool.submit(() -> {
                callers.add(Thread.currentThread());
                return commits.submit("poison");
            });
            awaitAllWaitingForTheirOutcome(callers, 2);
            release.countDown();

            assertThat(first.get()).isEqualTo("done:r0");
            assertThat(good.get()).isEqualTo("alone:good");
            assertThatThrownBy(poison::get).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(commits.alone).containsExactlyInAnyOrder("good", "poison");
            assertThat(commits.submit("after")).isEqualTo("done:after");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A follower queues its request under the monitor, then parks on its outcome: WAITING (not BLOCKED, not RUNNABLE)
     * means it is queued. No sleep guessing how long that takes.
     */
    private static void awaitAllWaitingForTheirOutcome(Set<Thread> callers, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> callers.size() == count
                && callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
    }
}
