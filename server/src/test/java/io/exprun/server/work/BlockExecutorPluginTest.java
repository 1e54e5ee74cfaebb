package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.exprun.server.ExprunServer;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Executors plug in without a fork: named by EXPRUN_EXECUTOR, found through ServiceLoader or by class name. */
class BlockExecutorPluginTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @Test
    void the_simulated_executor_is_the_default_even_with_another_provider_on_the_classpath() {
        assertThat(BlockExecutors.forConfig(ServerConfig.defaults())).isInstanceOf(SimulatedBlockExecutor.class);
    }

    @Test
    void a_server_told_exprun_executor_runs_documents_with_that_executor() throws Exception {
        ServerConfig config = ServerConfig.fromEnv(Map.of("EXPRUN_EXECUTOR", EchoBlockExecutor.class.getName()))
                .withPort(0)
                .withDb(TestServer.embeddedConfig(1).dbUrl(), null, null)
                .withApiKeys(TestServer.TEST_KEYS)
                .withWorkers(1);
        try (ExprunServer server = ExprunServer.start(config)) {
            Http api = new Http(server.baseUri(), KEY_A);
            String id = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "completed".equals(api.get(RUNS + "/" + id).lifecycleStatus()));
            assertThat(api.get("/v1/workflows/experiments/results?run_id=" + id)
                            .json()
                            .get("data"))
                    .hasSize(5)
                    .allSatisfy(
                            r -> assertThat(r.get("handle_outputs").toString()).contains("\"executor\":\"echo\""));
        }
    }

    @Test
    void a_class_that_is_not_there_or_not_an_executor_is_refused_by_name() {
        assertThatThrownBy(
                        () -> BlockExecutors.forConfig(ServerConfig.defaults().withExecutor("com.example.Missing")))
                .hasMessage("EXPRUN_EXECUTOR=com.example.Missing is not on the classpath");
        assertThatThrownBy(
                        () -> BlockExecutors.forConfig(ServerConfig.defaults().withExecutor("java.lang.String")))
                .hasMessageContaining("does not implement io.exprun.server.work.BlockExecutor");
    }
}
