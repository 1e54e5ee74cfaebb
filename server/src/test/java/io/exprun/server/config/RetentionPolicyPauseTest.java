package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sweeper pauses long enough after each batch to stay within its share of the database's time. */
class RetentionPolicyPauseTest {

    @Test
    void by_default_a_batch_is_followed_by_199_times_its_duration() {
        assertThat(RetentionPolicy.DEFAULTS.databaseShare()).isEqualTo(0.005);
        assertThat(RetentionPolicy.DEFAULTS.pauseAfter(Duration.ofMillis(18))).isEqualTo(Duration.ofMillis(18 * 199));
    }

    @Test
    void a_quick_batch_still_pauses_at_least_the_batch_pause() {
        assertThat(RetentionPolicy.DEFAULTS.pauseAfter(Duration.ofNanos(1000))).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void a_share_of_one_leaves_only_the_batch_pause() {
        RetentionPolicy all = RetentionPolicy.DEFAULTS.withDatabaseShare(1).withBatchPause(Duration.ZERO);
        assertThat(all.pauseAfter(Duration.ofSeconds(5))).isZero();
        assertThat(RetentionPolicy.DEFAULTS.withDatabaseShare(0.5).pauseAfter(Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void a_share_outside_zero_to_one_is_refused() {
        assertThatThrownBy(() -> RetentionPolicy.DEFAULTS.withDatabaseShare(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPolicy.DEFAULTS.withDatabaseShare(1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPolicy.DEFAULTS.withDatabaseShare(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
