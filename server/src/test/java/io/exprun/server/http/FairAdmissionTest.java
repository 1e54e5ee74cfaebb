package io.exprun.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.ops.TenantMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher around the policy: a request runs at once while a thread is free, else waits and is handed on by the
 * thread that finishes, in the flows' turn; refusals say why, 503's reason while the database is down. The "threads"
 * are a queue of tasks the test runs itself, one at a time, so the order is the test's, not a scheduler's.
 */
class FairAdmissionTest {

    private final ArrayDeque<Runnable> threads = new ArrayDeque<>();
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, FairAdmission.Refusal> refused = new ConcurrentHashMap<>();
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private final ScheduledExecutorScheduler timer = new ScheduledExecutorScheduler();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        timer.start();
    }

    @AfterEach
    void stop() throws Exception {
        timer.stop();
    }

    private FairAdmission admission(int threadsMax, int capacity, long maxWaitMs) {
        TenantMeters meters = new TenantMeters(registry, List.of("a", "b"));
        return new FairAdmission(threads::add, threadsMax, capacity, 7, maxWaitMs, databaseUp::get, meters);
    }

    private FairAdmission.Job job(String name) {
        return new FairAdmission.Job() {
            @Override
            public void run() {
                ran.add(name);
            }

            @Override
            public void refuse(FairAdmission.Refusal why) {
                refused.put(name, why);
            }
        };
    }

    private void submit(FairAdmission admission, String flow, String name) {
        admission.submit(flow, flow, 1, job(name), timer);
    }

    private double refusals(String tenant, String reason) {
        return registry.get("exprun.tenant.requests.refused")
                .tag("tenant", tenant)
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void runs_at_once_while_a_thread_is_free_then_hands_on_in_turn() {
        FairAdmission admission = admission(1, 10, 60_000);
        submit(admission, "a", "a0");
        assertThat(threads).hasSize(1);
        assertThat(admission.running()).isEqualTo(1);
        for (int i = 1; i <= 9; i++) {
            submit(admission, "a", "a" + i);
        }
        submit(admission, "b", "b0");
        assertThat(threads).as("queued, not handed to the pool").hasSize(1);
        assertThat(admission.depth("a")).isEqualTo(9);

        threads.poll().run(); // the one thread runs a0, then whatever is next in turn until nothing waits
        assertThat(ran).startsWith("a0").contains("b0").hasSize(11);
        assertThat(ran.indexOf("b0"))
                .as("after at most a quantum of a's, in %s", ran)
                .isLessThanOrEqualTo(8);
        assertThat(admission.running()).isZero();
        assertThat(refused).isEmpty();
    }

    @Test
    void a_full_queue_is_refused_for_that_flow_only() {
        FairAdmission admission = admission(1, 2, 60_000);
        submit(admission, "a", "running");
        submit(admission, "a", "a1");
        submit(admission, "a", "a2");
        submit(admission, "a", "a3");
        submit(admission, "b", "b1");
        assertThat(refused).containsOnlyKeys("a3").containsValue(FairAdmission.Refusal.QUEUE_FULL);
        assertThat(refusals("a", "queue_full")).isEqualTo(1.0);
        threads.poll().run();
        assertThat(ran).containsExactlyInAnyOrder("running", "a1", "a2", "b1");
    }

    @Test
    void while_the_database_is_down_a_refusal_says_so() {
        FairAdmission admission = admission(1, 1, 60_000);
        submit(admission, "a", "running");
        submit(admission, "a", "a1");
        databaseUp.set(false);
        submit(admission, "a", "a2");
        assertThat(refused).containsEntry("a2", FairAdmission.Refusal.DATABASE_DOWN);
        assertThat(refusals("a", "database_down")).isEqualTo(1.0);
        assertThat(refusals("a", "queue_full")).isZero();
    }

    @Test
    void a_request_that_waited_too_long_is_refused_and_never_run() {
        FairAdmission admission = admission(1, 10, 100);
        submit(admission, "a", "running"); // its thread is not run until the late one is refused
        submit(admission, "a", "late");
        await().atMost(Duration.ofSeconds(10)).until(() -> refused.containsKey("late"));
        assertThat(refused).containsEntry("late", FairAdmission.Refusal.WAITED_TOO_LONG);
        assertThat(admission.depth("a")).isZero();
        threads.poll().run();
        assertThat(ran).containsExactly("running");
        assertThat(admission.running()).isZero();
        assertThat(refusals("a", "waited_too_long")).isEqualTo(1.0);
    }
}
