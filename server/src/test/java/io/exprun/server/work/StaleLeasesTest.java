package io.exprun.server.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.port.WorkerStore.Lease;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A lease is judged stale on the watcher's own monotonic clock, from when it last saw the lease change. */
class StaleLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StaleLeases leases = new StaleLeases(LEASE, nanos::get);

    private void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void a_lease_that_stands_still_for_a_whole_lease_is_stale_and_handed_out_once() {
        Lease seen = new Lease("run_1", "other/w0", 7);
        leases.observe(List.of(seen), Set.of());
        pass(LEASE.minusMillis(1));
        leases.observe(List.of(seen), Set.of());
        assertThat(leases.next()).as("a moment short of a lease").isEmpty();

        pass(Duration.ofMillis(1));
        assertThat(leases.next()).contains(seen);
        assertThat(leases.next()).as("handed out once").isEmpty();
    }

    @Test
    void a_lease_whose_beat_moved_is_given_a_whole_lease_again() {
        leases.observe(List.of(new Lease("run_1", "other/w0", 7)), Set.of());
        pass(LEASE.minusMillis(100));
        leases.observe(List.of(new Lease("run_1", "other/w0", 8)), Set.of());
        pass(Duration.ofMillis(200));
        assertThat(leases.next()).isEmpty();
        pass(LEASE);
        assertThat(leases.next()).contains(new Lease("run_1", "other/w0", 8));
    }

    @Test
    void runs_executing_here_and_runs_no_longer_running_are_never_stale() {
        leases.observe(List.of(new Lease("mine", "me/w0", 1), new Lease("gone", "other/w0", 1)), Set.of("mine"));
        leases.observe(List.of(new Lease("mine", "me/w0", 1)), Set.of("mine"));
        pass(LEASE.multipliedBy(10));
        assertThat(leases.next()).isEmpty();
    }

    @Test
    void a_lease_first_seen_now_gets_a_whole_lease_from_now_whatever_its_age() {
        pass(Duration.ofHours(1));
        leases.observe(List.of(new Lease("run_1", "other/w0", 3)), Set.of());
        pass(LEASE.minusMillis(1));
        assertThat(leases.next()).isEmpty();
    }
}
