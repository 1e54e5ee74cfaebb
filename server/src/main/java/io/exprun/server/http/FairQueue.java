package io.exprun.server.http;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Deficit round robin (Shreedhar and Varghese, 1995) over flows, one item at a time: each flow has its own bounded FIFO
 * queue; the flows with work take turns, and a flow's turn serves its items while their costs fit its deficit, which
 * grows by {@link #quantum} each turn and is forgotten when its queue empties. So over any stretch where N flows have
 * work queued, each is served about 1/N of the cost, a flow that sends little is served within one round however long
 * the others' queues are, and a flow alone is served everything (nothing is held back for flows that are idle).
 *
 * <p>Not thread-safe: {@link FairAdmission} calls it under its lock. Every operation is O(1) but {@link #remove}, which
 * is O(its flow's queue), bounded by {@code capacity}.
 *
 * @param <T> what is queued (compared by identity in {@link #remove})
 */
final class FairQueue<T> {

    private static final class Flow<T> {
        final ArrayDeque<Costed<T>> queue = new ArrayDeque<>();
        long deficit;
        boolean inTurn;
        boolean active;
    }

    private record Costed<T>(T item, int cost) {}

    private final Map<Object, Flow<T>> flows = new HashMap<>();
    private final ArrayDeque<Flow<T>> active = new ArrayDeque<>();
    private final int capacity;
    private final int quantum;
    private int size;

    /**
     * @param capacity items one flow may have queued at once
     * @param quantum  cost a flow may be served per turn: at least the largest cost, so that every turn serves one item
     */
    FairQueue(int capacity, int quantum) {
        if (capacity < 1 || quantum < 1) {
            throw new IllegalArgumentException("need capacity >= 1 and quantum >= 1");
        }
        this.capacity = capacity;
        this.quantum = quantum;
    }

    /** Queues {@code item} of {@code flow} last in its flow; false, and nothing queued, when that flow's queue is full. */
    boolean offer(Object flow, int cost, T item) {
        if (cost < 1 || cost > quantum) {
            throw new IllegalArgumentException("a cost is 1 to the quantum (" + quantum + "), got " + cost);
        }
        Flow<T> f = flows.computeIfAbsent(flow, k -> new Flow<>());
        if (f.queue.size() >= capacity) {
            return false;
        }
        f.queue.addLast(new Costed<>(item, cost));
        size++;
        if (!f.active) {
            f.active = true;
            active.addLast(f);
        }
        return true;
    }

    /** The next item in turn, taken from its queue; null when nothing is queued. */
    T poll() {
        while (!active.isEmpty()) {
            Flow<T> f = active.peekFirst();
            if (!f.inTurn) {
                f.inTurn = true;
                f.deficit += quantum;
            }
            Costed<T> head = f.queue.peekFirst();
            if (head.cost() <= f.deficit) {
                f.queue.pollFirst();
                size--;
                f.deficit -= head.cost();
                if (f.queue.isEmpty()) {
                    active.pollFirst();
                    retire(f);
                }
                return head.item();
            }
            f.inTurn = false; // its turn is over: the next flow's
            active.addLast(active.pollFirst());
        }
        return null;
    }

    /** Takes {@code item} out of {@code flow}'s queue (it waited too long); false if it is not queued there. */
    boolean remove(Object flow, T item) {
        Flow<T> f = flows.get(flow);
        if (f == null || !f.queue.removeIf(c -> c.item() == item)) {
            return false;
        }
        size--;
        if (f.queue.isEmpty()) {
            active.remove(f);
            retire(f);
        }
        return true;
    }

    private static void retire(Flow<?> f) {
        f.active = false;
        f.inTurn = false;
        f.deficit = 0; // an idle flow banks nothing: DRR's rule, or it would burst past the others on its return
    }

    /** Items {@code flow} has queued. */
    int depth(Object flow) {
        Flow<T> f = flows.get(flow);
        return f == null ? 0 : f.queue.size();
    }

    /** Items queued in all flows. */
    int size() {
        return size;
    }
}
