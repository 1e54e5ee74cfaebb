package io.exprun.cli;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code exprun runs wait}, {@code exprun runs create --wait} and {@code exprun conformance}, as a CI step runs them,
 * against a real server: one exit status per way a run ends (0 completed, 5 error, 6 cancelled) and one for a run still
 * going when the timeout passed (7).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaitAndConformanceCliTest {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun exprun(String... args) {
        return CliRun.against(server.baseUri(), KEY_A, args);
    }

    @ParameterizedTest
    @CsvSource({"COMPLETED, 0, completed", "ERROR, 5, error", "CANCELLED, 6, cancelled"})
    void runs_wait_exits_with_how_the_run_ended(LifecycleStatus status, int exit, String shown) {
        Run run = server.fixtures().runIn(TENANT_A, status);

        CliRun waited = exprun("runs", "wait", run.id(), "--timeout", "30s");

        assertThat(waited.exit()).as(waited.err()).isEqualTo(exit);
        assertThat(waited.out()).contains("status      " + shown);
        assertThat(waited.hasStackTrace()).isFalse();
    }

    @Test
    void runs_wait_on_a_run_that_does_not_end_in_time_exits_7_saying_so() {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);

        CliRun waited = exprun("runs", "wait", run.id(), "--timeout", "1s");

        assertThat(waited.exit()).isEqualTo(7);
        assertThat(waited.err()).contains("run " + run.id() + " is still running after PT1S");
        assertThat(waited.out()).contains("status      running");
    }

    @Test
    void runs_wait_returns_as_soon_as_the_run_ends_while_it_waits() throws Exception {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
        CompletableFuture<CliRun> waiting =
                CompletableFuture.supplyAsync(() -> exprun("runs", "wait", run.id(), "--timeout", "5m", "--json"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.server().waits().waiting() == 1);

        assertThat(exprun("runs", "cancel", run.id()).exit()).isZero();

        CliRun waited = waiting.get();
        assertThat(waited.exit()).isEqualTo(6);
        assertThat(waited.out()).contains("\"status\":\"cancelled\"");
    }

    @Test
    void runs_create_wait_creates_then_waits_with_the_same_exit_statuses() {
        CliRun created = exprun("runs", "create", "exp_demo", "--wait", "--timeout", "500ms");

        assertThat(created.exit()).as("no workers here: the run stays pending").isEqualTo(7);
        assertThat(created.out()).contains("status      pending", "experiment  exp_demo");
        assertThat(created.err()).contains("is still pending after PT0.5S");
    }

    @Test
    void a_wait_for_a_run_that_does_not_exist_is_the_apis_refusal() {
        CliRun waited = exprun("runs", "wait", "exprun_nope");

        assertThat(waited.exit()).isEqualTo(1);
        assertThat(waited.err()).contains("404 run_not_found");
    }

    @Test
    void conformance_runs_the_kit_against_the_url_given() {
        // a server whose workers move runs on: the kit watches one of its runs to its own end
        try (TestServer working = TestServer.start(TestServer.embeddedConfig(2).withSimulation(50, 0))) {
            CliRun kit = CliRun.against(
                    working.baseUri(),
                    KEY_A,
                    "conformance",
                    "--other-tenant-key",
                    KEY_B,
                    "--experiment-id",
                    "exp_demo");

            assertThat(kit.exit()).as(kit.out() + kit.err()).isZero();
            assertThat(kit.out()).contains(working.baseUri().toString().replaceAll("/$", ""));
        }
    }

    @Test
    void conformance_without_a_url_has_no_default_target_and_exits_2() {
        CliRun kit = CliRun.exprun("conformance", "--read-only");

        assertThat(kit.exit()).isEqualTo(2);
    }
}
