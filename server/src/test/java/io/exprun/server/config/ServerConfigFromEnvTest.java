package io.exprun.server.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EXPRUN_* variables: read when valid, and when not, refused with the variable's name and what it should be. */
class ServerConfigFromEnvTest {

    @Test
    void the_pool_size_is_read_from_exprun_db_pool_size() {
        assertThat(ServerConfig.fromEnv(Map.of()).dbPoolSize()).isEqualTo(16);
        assertThat(ServerConfig.fromEnv(Map.of("EXPRUN_DB_POOL_SIZE", " 8 ")).dbPoolSize()).isEqualTo(8);
    }

    @Test
    void an_empty_pool_is_refused_by_name() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_DB_POOL_SIZE", "0")))
                .hasMessage("EXPRUN_DB_POOL_SIZE='0' is invalid (must be at least 1): expected a number of connections >= 1");
    }

    @Test
    void a_value_that_is_not_a_number_names_the_variable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_WORKERS", "two")))
                .hasMessage("EXPRUN_WORKERS='two' is invalid (not a number): expected a number >= 0");
    }

    @Test
    void api_keys_are_never_repeated_in_the_message() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("EXPRUN_API_KEYS", "hunter2")))
                .hasMessageContaining("EXPRUN_API_KEYS=(value hidden)").hasMessageNotContaining("hunter2");
    }
}
