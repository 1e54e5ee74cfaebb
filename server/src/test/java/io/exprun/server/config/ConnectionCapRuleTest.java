package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The rule that fits the connection cap under the file-descriptor limit (the behaviour: faults/ConnectionCapTest). */
class ConnectionCapRuleTest {

    private static final int POOL = 16; // reserve: 64 + 4 × 16 = 128

    @Test
    void unset_the_cap_is_what_the_limit_leaves_after_start_up_and_the_reserve_at_most_the_ceiling() {
        assertThat(ConnectionCap.of(Limits.CONNECTIONS_FROM_DESCRIPTORS, POOL, 1024, 100))
                .isEqualTo(1024 - 100 - 128);
        assertThat(ConnectionCap.of(Limits.CONNECTIONS_FROM_DESCRIPTORS, POOL, 1_048_576, 100))
                .isEqualTo(ConnectionCap.DEFAULT_CEILING);
    }

    @Test
    void a_set_cap_that_fits_is_kept_and_off_stays_off() {
        assertThat(ConnectionCap.of(796, POOL, 1024, 100)).isEqualTo(796);
        assertThat(ConnectionCap.of(Limits.NO_CONNECTION_CAP, POOL, 64, 60)).isEqualTo(Limits.NO_CONNECTION_CAP);
    }

    @Test
    void a_set_cap_over_what_the_limit_leaves_refuses_to_start_with_the_most_that_fits() {
        assertThatThrownBy(() -> ConnectionCap.of(797, POOL, 1024, 100))
                .isInstanceOfSatisfying(StartupFailure.class, f -> {
                    assertThat(f.exitStatus()).isEqualTo(StartupFailure.EXIT_CONFIG);
                    assertThat(f.lines())
                            .containsExactly(
                                    "exprun: cannot start: EXPRUN_MAX_CONNECTIONS=797 does not fit: the file-descriptor"
                                            + " limit is 1024; 100 are open at start-up and 128 are kept for the"
                                            + " database, logs and backups, which leaves 796",
                                    "  fix: lower EXPRUN_MAX_CONNECTIONS to at most 796, or raise the limit (ulimit"
                                            + " -n, or LimitNOFILE= in a systemd unit) to at least 1025");
                });
    }

    @Test
    void a_limit_that_leaves_no_room_refuses_to_start_even_unset() {
        assertThatThrownBy(() -> ConnectionCap.of(Limits.CONNECTIONS_FROM_DESCRIPTORS, POOL, 200, 100))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("leaves no room for client connections");
    }
}
