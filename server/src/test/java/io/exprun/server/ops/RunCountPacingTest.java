package io.exprun.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The run counts behind {@code exprun_runs} read every run; their refresh spaces itself so counting takes at most
 * {@link Metrics#COUNT_BUDGET_PERCENT}% of a thread, whatever the table's size.
 */
class RunCountPacingTest {

    @Test
    void a_cheap_count_is_repeated_every_second() {
        assertThat(Metrics.nextCountIn(Duration.ofMillis(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Metrics.nextCountIn(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void an_expensive_count_waits_long_enough_to_stay_within_its_budget() {
        // a count of a big table taking 300 ms
        Duration took = Duration.ofMillis(300);
        Duration next = Metrics.nextCountIn(took);
        assertThat(next).isEqualTo(Duration.ofSeconds(15));
        double share = 100.0 * took.toNanos() / (took.toNanos() + next.toNanos());
        assertThat(share).isLessThanOrEqualTo(Metrics.COUNT_BUDGET_PERCENT);
    }
}
