package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How the sweeper paces itself: batches sized from the last one's time, the next sweep soon after one that deleted
 * something, and (where batches run beside the service's writes) a pause within the sweeper's share of the time.
 */
class RetentionPolicyPauseTest {

    private static final RetentionPolicy P = RetentionPolicy.DEFAULTS;

    @Test
    void a_backlog_s_batches_grow_towards_the_batch_time_at_most_doubling() {
        assertThat(P.batchTime()).isEqualTo(Duration.ofMillis(2));
        assertThat(P.nextBatchSize(32, Duration.ofMillis(1))).isEqualTo(64);
        assertThat(P.nextBatchSize(32, Duration.ofNanos(1)))
                .as("at most doubled")
                .isEqualTo(64);
        assertThat(P.nextBatchSize(100, Duration.ofMillis(2))).isEqualTo(100);
        assertThat(P.nextBatchSize(100, Duration.ZERO)).isEqualTo(200);
    }

    @Test
    void a_slow_batch_shrinks_the_next_at_most_by_half_and_never_below_the_least() {
        assertThat(P.nextBatchSize(400, Duration.ofMillis(4))).isEqualTo(200);
        assertThat(P.nextBatchSize(400, Duration.ofSeconds(1)))
                .as("at most halved")
                .isEqualTo(200);
        assertThat(P.nextBatchSize(40, Duration.ofSeconds(1)))
                .as("never below batchSize")
                .isEqualTo(32);
        assertThat(P.nextBatchSize(1024, Duration.ofNanos(1)))
                .as("never above maxBatchSize")
                .isEqualTo(1024);
    }

    @Test
    void a_fixed_batch_size_stays_fixed() {
        RetentionPolicy four = P.withBatchSize(4);
        assertThat(four.nextBatchSize(4, Duration.ofNanos(1))).isEqualTo(4);
        assertThat(four.nextBatchSize(4, Duration.ofSeconds(1))).isEqualTo(4);
    }

    @Test
    void after_a_sweep_that_deleted_something_the_next_comes_within_a_second() {
        assertThat(P.sweepInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(P.catchUpInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(P.withSweepInterval(Duration.ofMillis(200)).catchUpInterval())
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void beside_the_service_s_writes_the_sweeper_pauses_as_long_as_its_batch_took_by_default() {
        assertThat(P.databaseShare()).isEqualTo(0.5);
        assertThat(P.pauseAfter(Duration.ofMillis(18))).isEqualTo(Duration.ofMillis(18));
        assertThat(P.withDatabaseShare(0.005).pauseAfter(Duration.ofMillis(18))).isEqualTo(Duration.ofMillis(18 * 199));
        assertThat(P.withBatchPause(Duration.ofMillis(100)).pauseAfter(Duration.ofNanos(1000)))
                .as("at least the batch pause")
                .isEqualTo(Duration.ofMillis(100));
        assertThat(P.withDatabaseShare(1).pauseAfter(Duration.ofSeconds(5))).isZero();
    }

    @Test
    void a_share_outside_zero_to_one_and_inconsistent_sizes_are_refused() {
        assertThatThrownBy(() -> P.withDatabaseShare(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P.withDatabaseShare(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P.withDatabaseShare(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P.withBatchSizes(10, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> P.withBatchTime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
