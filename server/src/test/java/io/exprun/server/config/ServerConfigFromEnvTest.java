package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EXPRUN_* variables: read when valid, and when not, refused with the variable's name and what it should be. */
class ServerConfigFromEnvTest {

    @Test
    void the_pool_size_is_read_from_exprun_db_pool_size() {
        assertThat(ServerConfig.fromEnv(Map.of()).dbPoolSize()).isEqualTo(16);
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_DB_POOL_SIZE", " 8 ")).dbPoolSize())
                .isEqualTo(8);
    }

    @Test
    void an_empty_pool_is_refused_by_name() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_DB_POOL_SIZE", "0")))
                .hasMessage(
                        "EXPRUN_DB_POOL_SIZE='0' is invalid (must be at least 1): expected a number of connections >= 1");
    }

    @Test
    void tenants_queue_fairly_with_a_bounded_queue_and_wait_unless_told_otherwise() {
        ServerConfig defaults = ServerConfig.fromEnv(Map.of());
        assertThat(defaults.limits().tenantQueue()).isEqualTo(256);
        assertThat(defaults.limits().queueMaxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.limits().fairQueuing()).isTrue();
        ServerConfig set = ServerConfig.fromEnv(
                Map.of("EXPRUN_TENANT_QUEUE", " 3 ", "EXPRUN_QUEUE_MAX_WAIT_MS", "250", "EXPRUN_FAIR_QUEUING", "OFF"));
        assertThat(set.limits().tenantQueue()).isEqualTo(3);
        assertThat(set.limits().queueMaxWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(set.limits().fairQueuing()).isFalse();
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_FAIR_QUEUING", "on"))
                        .limits()
                        .fairQueuing())
                .isTrue();
    }

    @Test
    void a_queue_setting_out_of_range_is_refused_by_name() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_TENANT_QUEUE", "0")))
                .hasMessage("EXPRUN_TENANT_QUEUE='0' is invalid (a tenant's queue must hold at least 1 request):"
                        + " expected a number of requests >= 1 (unset: 256)");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_QUEUE_MAX_WAIT_MS", "99")))
                .hasMessageStartingWith("EXPRUN_QUEUE_MAX_WAIT_MS='99' is invalid (the longest wait in a queue must be"
                        + " at least 100 ms)");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_FAIR_QUEUING", "maybe")))
                .hasMessage("EXPRUN_FAIR_QUEUING='maybe' is invalid (not on or off): expected on or off (unset: on)");
    }

    @Test
    void a_variable_no_longer_read_is_refused_by_name_with_what_replaced_it_even_when_blank() {
        for (String retired : List.of("EXPRUN_TENANT_MAX_CONCURRENT", "EXPRUN_TENANT_MAX_LISTS", "EXPRUN_HTTP_QUEUE")) {
            assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of(retired, "")))
                    .hasMessageStartingWith(retired + " is no longer read: ")
                    .hasMessageEndingWith("; unset it");
        }
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_TENANT_MAX_WAITS", "3"))
                        .limits()
                        .tenantMaxWaits())
                .as("negative control: the waits' bound is still read")
                .isEqualTo(3);
    }

    @Test
    void a_value_that_is_not_a_number_names_the_variable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_WORKERS", "two")))
                .hasMessage("EXPRUN_WORKERS='two' is invalid (not a number): expected a number >= 0");
    }

    @Test
    void api_keys_are_never_repeated_in_the_message() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", "hunter2")))
                .hasMessageContaining("EXPRUN_API_KEYS=(value hidden)")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void only_an_unset_api_key_list_means_the_development_key() {
        assertThat(ServerConfig.fromEnv(Map.of()).apiKeys()).isEmpty();
        for (String blank : new String[] {"", " ", ",", " , ", "\t"}) {
            assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", blank)))
                    .as("'%s'", blank)
                    .hasMessageStartingWith("EXPRUN_API_KEYS=(value hidden) is invalid");
        }
    }

    @Test
    void a_key_mapped_twice_is_refused_whichever_tenant_without_naming_the_key() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", "k1:a,hunter2:a,k3:c,hunter2:b")))
                .hasMessage("EXPRUN_API_KEYS=(value hidden) is invalid (the key of entry 4 of 4 is the key of entry 2 "
                        + "again (for another tenant); each key must be mapped once): expected key1:tenantA,"
                        + "key2:tenantB, each key once (unset: the development key)");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", "hunter2:a, hunter2 : a")))
                .hasMessageContaining("for the same tenant")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void a_well_formed_api_key_list_is_read_with_whitespace_around_its_parts_ignored() {
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", " k1:team a , k2 : b "))
                        .apiKeys())
                .isEqualTo(Map.of("k1", "team a", "k2", "b"));
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", "k1:a,K1:a")).apiKeys())
                .as("keys differ by case")
                .hasSize(2);
    }

    @Test
    void a_lease_of_zero_is_refused_in_one_line() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_LEASE_MS", "0")))
                .hasMessage(
                        "EXPRUN_LEASE_MS='0' is invalid (the lease must be more than 0 ms): expected milliseconds > 0");
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_LEASE_MS", "1500")).lease())
                .hasMillis(1500);
    }

    @Test
    void simulation_numbers_out_of_range_are_refused_by_name() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_SIM_DOC_MS", "-1")))
                .hasMessageStartingWith("EXPRUN_SIM_DOC_MS='-1' is invalid");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_SIM_FAILURE_RATE", "1.5")))
                .hasMessageStartingWith("EXPRUN_SIM_FAILURE_RATE='1.5' is invalid");
    }

    @Test
    void only_sqlite_is_embedded_unless_told() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.isEmbeddedDb()).isTrue();
        assertThat(c.withDb("jdbc:sqlite:/srv/exprun/x.db", null, null).isEmbeddedDb())
                .isTrue();
        assertThat(c.withDb("jdbc:postgresql://db/x", null, null).isEmbeddedDb())
                .isFalse();
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_DB_URL", "jdbc:postgresql://db/x", "EXPRUN_DB_EMBEDDED", "true"))
                        .isEmbeddedDb())
                .isTrue();
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_DB_EMBEDDED", "false")).isEmbeddedDb())
                .isFalse();
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_DB_EMBEDDED", "yes")))
                .hasMessage("EXPRUN_DB_EMBEDDED='yes' is invalid (not true or false): expected true or false");
    }

    @Test
    void a_database_exprun_does_not_run_on_is_refused_by_name() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_DB_URL", "jdbc:h2:file:./data/exprun")))
                .hasMessageStartingWith("EXPRUN_DB_URL='jdbc:h2:file:./data/exprun' is invalid")
                .hasMessageContaining("jdbc:sqlite:")
                .hasMessageContaining("jdbc:postgresql:");
    }

    @Test
    void the_retention_defaults_to_30_days_and_reads_iso_and_simple_durations() {
        assertThat(ServerConfig.fromEnv(Map.of()).retention().runRetention()).contains(Duration.ofDays(30));
        assertThat(retention("P30D")).contains(Duration.ofDays(30));
        assertThat(retention("PT12H")).contains(Duration.ofHours(12));
        assertThat(retention("p7d")).contains(Duration.ofDays(7));
        assertThat(retention("30d")).contains(Duration.ofDays(30));
        assertThat(retention(" 12h ")).contains(Duration.ofHours(12));
        assertThat(retention("90m")).contains(Duration.ofMinutes(90));
    }

    @Test
    void zero_off_and_forever_keep_runs_forever() {
        for (String forever : new String[] {"0", "off", "OFF", "forever", "0d", "PT0S"}) {
            assertThat(retention(forever)).as(forever).isEmpty();
        }
    }

    @Test
    void an_invalid_retention_is_refused_by_name_with_what_it_should_be() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION", "a month")))
                .hasMessage("EXPRUN_RETENTION='a month' is invalid (not a duration): expected a duration such as "
                        + "30d, 12h or P30D, or off");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION", "P-1D")))
                .hasMessageStartingWith("EXPRUN_RETENTION='P-1D' is invalid (negative)");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION", "30 days")))
                .hasMessageStartingWith("EXPRUN_RETENTION='30 days' is invalid (not a duration)");
    }

    @Test
    void the_sweep_interval_is_read_from_exprun_retention_sweep_ms() {
        assertThat(ServerConfig.fromEnv(Map.of()).retention().sweepInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION_SWEEP_MS", "5000"))
                        .retention()
                        .sweepInterval())
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION_SWEEP_MS", "0")))
                .hasMessage("EXPRUN_RETENTION_SWEEP_MS='0' is invalid (the sweep interval must be more than 0 ms): "
                        + "expected milliseconds > 0");
    }

    private static java.util.Optional<Duration> retention(String value) {
        return ServerConfig.fromEnv(Map.of("EXPRUN_RETENTION", value))
                .retention()
                .runRetention();
    }

    @Test
    void the_connection_cap_is_derived_unless_set_and_off_disables_it() {
        assertThat(ServerConfig.fromEnv(Map.of()).limits().maxConnections())
                .isEqualTo(Limits.CONNECTIONS_FROM_DESCRIPTORS);
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_MAX_CONNECTIONS", "500"))
                        .limits()
                        .maxConnections())
                .isEqualTo(500);
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_MAX_CONNECTIONS", "OFF"))
                        .limits()
                        .maxConnections())
                .isEqualTo(Limits.NO_CONNECTION_CAP);
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_MAX_CONNECTIONS", "0")))
                .hasMessageStartingWith("EXPRUN_MAX_CONNECTIONS='0' is invalid (must be at least 1)");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_MAX_CONNECTIONS", "-1")))
                .hasMessageStartingWith("EXPRUN_MAX_CONNECTIONS='-1' is invalid (must be at least 1)");
    }

    @Test
    void the_statement_timeout_defaults_to_30_seconds_and_is_at_least_one_second() {
        assertThat(ServerConfig.fromEnv(Map.of()).limits().statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_STATEMENT_TIMEOUT_MS", "5000"))
                        .limits()
                        .statementTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_STATEMENT_TIMEOUT_MS", "999")))
                .hasMessage("EXPRUN_STATEMENT_TIMEOUT_MS='999' is invalid (the statement timeout must be at least"
                        + " 1000 ms): expected milliseconds >= 1000");
    }
}
