package io.exprun.server.work;

import io.exprun.server.domain.port.WorkerStore.Lease;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which runs' leases stand still, judged on this instance's monotonic clock, as Kubernetes' leader election judges a
 * lease: the time a run's lease was last seen to change is this instance's own reading, and a lease whose beat has not
 * moved for a whole lease since then belongs to a worker that died. No wall clock takes part, so a clock stepped
 * forward (an NTP correction, a VM resumed) cannot expire a live lease, nor one stepped back keep a dead one, and
 * instances whose clocks disagree still agree on what a lease is. A lease first seen now is given a whole lease from
 * now, whatever it was before.
 */
final class StaleLeases {

    private record Seen(Lease lease, long sinceNanos) {}

    private final long leaseNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Seen> seen = new HashMap<>();

    /** @param nanoClock a monotonic clock ({@code System::nanoTime}; tests drive their own) */
    StaleLeases(Duration lease, LongSupplier nanoClock) {
        this.leaseNanos = lease.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * What the store shows now: every running run's lease. Runs executing here are ours to keep, never candidates;
     * a run no longer shown (finished, cancelled, taken) is forgotten.
     */
    synchronized void observe(List<Lease> running, Set<String> executingHere) {
        long now = nanoClock.getAsLong();
        Map<String, Seen> next = new HashMap<>();
        for (Lease lease : running) {
            if (executingHere.contains(lease.runId())) {
                continue;
            }
            Seen before = seen.get(lease.runId());
            next.put(lease.runId(), before != null && before.lease().equals(lease) ? before : new Seen(lease, now));
        }
        seen.clear();
        seen.putAll(next);
    }

    /**
     * The lease that has stood still longest, if one has stood still for a whole lease; it is handed out once (the
     * next observation brings it back if the takeover failed and it still stands still).
     */
    synchronized Optional<Lease> next() {
        long now = nanoClock.getAsLong();
        Optional<Seen> stale = seen.values().stream()
                .filter(s -> now - s.sinceNanos() >= leaseNanos)
                .min(Comparator.comparingLong(Seen::sinceNanos));
        stale.ifPresent(s -> seen.remove(s.lease().runId()));
        return stale.map(Seen::lease);
    }
}
