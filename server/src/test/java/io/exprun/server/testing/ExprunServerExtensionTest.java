package io.exprun.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.server.config.ServerConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * {@link ExprunServerTest} on itself: one server for the class, in every field and parameter that asks for it, started
 * with the class's {@link ServerConfiguration} (a third key only this config knows), and each injected {@link Http}
 * with its key; a misdeclared configuration method is refused before any server starts.
 */
@ExprunServerTest
class ExprunServerExtensionTest {

    private static final String KEY_C = "test-key-c";

    private static TestServer startedForTheClass;
    private static Http asTenantA;

    private TestServer server;

    @WithKey(WithKey.NONE)
    private Http anonymous;

    @WithKey(KEY_C)
    private Http asTenantC;

    @ServerConfiguration
    static ServerConfig withAThirdKey(ServerConfig fresh) {
        Map<String, String> keys = new HashMap<>(TestServer.TEST_KEYS);
        keys.put(KEY_C, "tenant_c");
        return fresh.withApiKeys(keys);
    }

    @BeforeAll
    static void theServerIsUpBeforeTheClassesOwnSetUp() {
        assertThat(startedForTheClass).isNotNull();
        assertThat(asTenantA.get("/v1/workflows/experiments/runs").status()).isEqualTo(200);
    }

    @AfterAll
    static void theServerIsStillUpInTheClassesOwnTearDown() {
        assertThat(asTenantA.get("/v1/workflows/experiments/runs").status()).isEqualTo(200);
    }

    @Test
    void every_field_and_parameter_gets_the_one_server_of_the_class(TestServer parameter, RunFixtures fixtures) {
        assertThat(server).isSameAs(startedForTheClass).isSameAs(parameter);
        assertThat(fixtures).isSameAs(server.fixtures());
    }

    @Test
    void an_http_speaks_with_tenant_a_unless_marked_and_with_no_key_when_marked_none() {
        assertThat(asTenantA.get("/v1/workflows/experiments/runs").status()).isEqualTo(200);
        assertThat(anonymous.get("/v1/workflows/experiments/runs").status()).isEqualTo(401);
    }

    @Test
    void the_server_started_with_the_classes_configuration(@WithKey("not-a-key") Http stranger) {
        assertThat(asTenantC.get("/v1/workflows/experiments/runs").status()).isEqualTo(200);
        assertThat(stranger.get("/v1/workflows/experiments/runs").status()).isEqualTo(401);
    }

    @Test
    void an_instance_configuration_method_without_an_instance_is_refused() {
        assertThatThrownBy(() -> ExprunServerExtension.configOf(WithAnInstanceConfiguration.class, null))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("PER_CLASS");
    }

    @Test
    void a_configuration_method_of_the_wrong_shape_is_refused() {
        assertThatThrownBy(() -> ExprunServerExtension.configOf(WithAConfigurationOfTheWrongShape.class, null))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("must take a ServerConfig and return one");
    }

    @ExprunServerTest
    static class WithAnInstanceConfiguration {
        @ServerConfiguration
        ServerConfig config(ServerConfig fresh) {
            return fresh;
        }
    }

    @ExprunServerTest
    static class WithAConfigurationOfTheWrongShape {
        @ServerConfiguration
        static ServerConfig config() {
            return null;
        }
    }
}
