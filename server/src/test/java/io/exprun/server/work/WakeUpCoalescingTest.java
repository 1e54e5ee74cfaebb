package io.exprun.server.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.domain.port.WorkerStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A burst of creates wakes a sleeping worker once, not once per create (which made idle workers spin after a burst). */
class WakeUpCoalescingTest {

    @Test
    void a_thousand_nudges_leave_one_wake_up_pending() {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch inStore = new CountDownLatch(1);
        // the worker's first store call holds it there, so no wake-up gets taken while we nudge
        WorkerStore store = (WorkerStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {WorkerStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("enqueuePending")) {
                        inStore.countDown();
                        busy.await();
                        return 0;
                    }
                    if (method.getName().equals("claimNext")) {
                        return java.util.Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        RunWorkers workers = new RunWorkers(store, (run, result, wanted) -> null, Duration.ofSeconds(10), "test");
        workers.start(1);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> inStore.getCount() == 0);
            for (int i = 0; i < 1000; i++) {
                workers.nudge();
            }
            assertThat(workers.pendingWakeUps()).isEqualTo(1);
        } finally {
            busy.countDown();
            workers.close();
        }
    }
}
