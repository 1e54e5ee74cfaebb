package io.exprun.server.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies in milliseconds, collected from several threads; percentiles by nearest rank. */
final class Latencies {

    private final List<Long> millis = Collections.synchronizedList(new ArrayList<>());

    void add(long ms) {
        millis.add(ms);
    }

    int count() {
        return millis.size();
    }

    long percentile(double p) {
        List<Long> sorted;
        synchronized (millis) {
            sorted = new ArrayList<>(millis);
        }
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    long max() {
        return percentile(100);
    }

    @Override
    public String toString() {
        return count() + " calls, p50 " + percentile(50) + " ms, p99 " + percentile(99) + " ms, max " + max() + " ms";
    }
}
