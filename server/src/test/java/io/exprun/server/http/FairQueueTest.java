package io.exprun.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's policy, deficit round robin, on its own: which item comes next, given what is queued. */
class FairQueueTest {

    private static final int QUANTUM = 7;

    private static List<String> drain(FairQueue<String> queue) {
        List<String> served = new ArrayList<>();
        for (String item = queue.poll(); item != null; item = queue.poll()) {
            served.add(item);
        }
        return served;
    }

    /** Index in {@code served} of the first item of flow {@code flow} (items are named flow + number). */
    private static int firstOf(List<String> served, String flow) {
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i).startsWith(flow)) {
                return i;
            }
        }
        return -1;
    }

    /** What the edge relies on: B's one request, queued after A's backlog, is served before A's backlog drains. */
    private static void assertLateLightFlowServedWithinOneRound(List<String> served, int backlog) {
        assertThat(firstOf(served, "b")).as("B's request among " + served).isBetween(0, QUANTUM);
        assertThat(served.indexOf("a" + (backlog - 1))).isGreaterThan(firstOf(served, "b"));
    }

    @Test
    void a_flow_alone_is_served_everything_in_order_up_to_its_capacity() {
        FairQueue<String> queue = new FairQueue<>(5, QUANTUM);
        for (int i = 0; i < 5; i++) {
            assertThat(queue.offer("a", i % 2 == 0 ? 1 : QUANTUM, "a" + i)).isTrue();
        }
        assertThat(queue.offer("a", 1, "a5")).as("its queue is full").isFalse();
        assertThat(queue.offer("b", 1, "b0")).as("another flow's is not").isTrue();
        assertThat(queue.depth("a")).isEqualTo(5);
        assertThat(queue.size()).isEqualTo(6);
        assertThat(drain(queue))
                .containsSubsequence("a0", "a1", "a2", "a3", "a4")
                .hasSize(6);
        assertThat(queue.size()).isZero();
        assertThat(queue.offer("a", 1, "again")).as("room again once served").isTrue();
    }

    @Test
    void a_light_flow_queued_behind_a_backlog_is_served_within_one_round() {
        FairQueue<String> queue = new FairQueue<>(100, QUANTUM);
        int backlog = 50;
        for (int i = 0; i < backlog; i++) {
            queue.offer("a", 1, "a" + i);
        }
        queue.offer("b", 1, "b0");
        List<String> served = drain(queue);
        assertLateLightFlowServedWithinOneRound(served, backlog);
        assertThat(served).hasSize(backlog + 1);
    }

    @Test
    void negative_control_one_first_come_first_served_queue_serves_the_backlog_first() {
        FairQueue<String> fifo = new FairQueue<>(100, QUANTUM);
        int backlog = 50;
        for (int i = 0; i < backlog; i++) {
            fifo.offer("everyone", 1, "a" + i);
        }
        fifo.offer("everyone", 1, "b0");
        List<String> served = drain(fifo);
        assertThatThrownBy(() -> assertLateLightFlowServedWithinOneRound(served, backlog))
                .isInstanceOf(AssertionError.class);
        assertThat(firstOf(served, "b")).isEqualTo(backlog);
    }

    @Test
    void busy_flows_share_by_cost_lists_counting_for_several_gets() {
        FairQueue<String> queue = new FairQueue<>(10_000, QUANTUM);
        for (int i = 0; i < 700; i++) {
            queue.offer("gets", 1, "g" + i);
        }
        for (int i = 0; i < 100; i++) {
            queue.offer("lists", QUANTUM, "l" + i);
        }
        Map<String, Integer> cost = new HashMap<>();
        // while both are backlogged, every round serves 7 gets and 1 list: equal cost
        for (int i = 0; i < 400; i++) {
            String item = queue.poll();
            cost.merge(item.startsWith("g") ? "gets" : "lists", item.startsWith("g") ? 1 : QUANTUM, Integer::sum);
        }
        // 400 items: 50 rounds of 8
        assertThat(cost.get("gets")).isBetween(350 - QUANTUM, 350 + QUANTUM);
        assertThat(cost.get("lists")).isBetween(350 - QUANTUM, 350 + QUANTUM);
    }

    @Test
    void n_busy_flows_each_get_one_nth() {
        FairQueue<String> queue = new FairQueue<>(1000, QUANTUM);
        for (String flow : List.of("a", "b", "c", "d")) {
            for (int i = 0; i < 1000; i++) {
                queue.offer(flow, 1 + (i % 3), flow + i); // mixed costs, the same mix in every flow
            }
        }
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            served.merge(queue.poll().substring(0, 1), 1, Integer::sum);
        }
        assertThat(served.values()).allSatisfy(n -> assertThat(n).isBetween(500 - QUANTUM, 500 + QUANTUM));
    }

    @Test
    void a_flow_that_goes_idle_banks_nothing_for_its_return() {
        FairQueue<String> queue = new FairQueue<>(100, QUANTUM);
        queue.offer("a", 1, "a0"); // served with 6 of its quantum unused
        assertThat(queue.poll()).isEqualTo("a0");
        for (int i = 0; i < 20; i++) {
            queue.offer("b", 1, "b" + i);
        }
        for (int i = 1; i < 20; i++) {
            queue.offer("a", 1, "a" + i);
        }
        List<String> served = drain(queue);
        // b's turn came first (it was waiting); a returns with a quantum, not a quantum plus what it left unused
        assertThat(served.subList(0, QUANTUM)).allSatisfy(s -> assertThat(s).startsWith("b"));
        assertThat(served.subList(QUANTUM, 2 * QUANTUM))
                .allSatisfy(s -> assertThat(s).startsWith("a"));
        assertThat(served.get(2 * QUANTUM)).startsWith("b");
    }

    @Test
    void a_removed_item_is_never_served_and_frees_its_place() {
        FairQueue<String> queue = new FairQueue<>(2, QUANTUM);
        queue.offer("a", 1, "a0");
        queue.offer("a", 1, "a1");
        assertThat(queue.remove("a", "a0")).isTrue();
        assertThat(queue.remove("a", "a0")).as("once").isFalse();
        assertThat(queue.remove("b", "a1")).as("not b's").isFalse();
        assertThat(queue.offer("a", 1, "a2")).isTrue();
        assertThat(queue.remove("a", "a1")).isTrue();
        assertThat(queue.remove("a", "a2")).isTrue();
        assertThat(queue.size()).isZero();
        assertThat(queue.poll())
                .as("a flow emptied by removals is no longer in turn")
                .isNull();
    }

    @Test
    void a_cost_outside_one_to_the_quantum_is_refused() {
        FairQueue<String> queue = new FairQueue<>(2, QUANTUM);
        assertThatThrownBy(() -> queue.offer("a", 0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.offer("a", QUANTUM + 1, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
