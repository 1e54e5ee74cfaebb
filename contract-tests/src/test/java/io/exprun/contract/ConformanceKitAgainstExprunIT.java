package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against the real exprun (Jetty + Jersey, real HTTP, workers running 300 ms documents) on
 * H2 and on PostgreSQL passes, and not by skipping: every category made checks, the cancel state machine and tenant
 * isolation included, and the JUnit XML a CI would render is written. Documents of {@code exp_classify} fail, and one
 * such run is made before the kit runs, so that the {@code error} variants are among what it judges.
 */
class ConformanceKitAgainstExprunIT {

    private static final SimulatedBlockExecutor DOCUMENTS = new SimulatedBlockExecutor(300, 0);

    /** Every document of exp_classify fails at once; the others take 300 ms each. */
    private static final BlockExecutor FAILING_CLASSIFY =
            (run, result, wanted) -> "exp_classify".equals(run.experimentId())
                    ? new BlockExecutor.Outcome.Failed(
                            "classifier unavailable",
                            new ErrorInfo(
                                    "classifier unavailable",
                                    null,
                                    run.blockId(),
                                    "Classify document type",
                                    "unavailable",
                                    Map.of("document_id", result.document().id())))
                    : DOCUMENTS.execute(run, result, wanted);

    private static TestServer withAnErrorRun(ServerConfig config) {
        TestServer server = TestServer.start(config, FAILING_CLASSIFY, List.of());
        Http api = new Http(server.baseUri(), KEY_A);
        String id = api.postJson("/v1/workflows/experiments/runs", "{\"experiment_id\":\"exp_classify\"}")
                .json()
                .get("id")
                .asText();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/v1/workflows/experiments/runs/" + id).lifecycleStatus(), "error"::equals);
        return server;
    }

    @Test
    void exprun_on_h2_passes_every_check_of_the_kit() throws Exception {
        try (TestServer server = withAnErrorRun(TestServer.embeddedConfig(2))) {
            assertPasses(KitRun.against(server.baseUri().toString(), "exprun-h2"));
        }
    }

    @Test
    void exprun_on_postgresql_passes_every_check_of_the_kit() throws Exception {
        Postgres.Db db = Postgres.freshDatabase();
        try (TestServer server =
                withAnErrorRun(TestServer.embeddedConfig(2).withDb(db.url(), db.user(), db.password()))) {
            assertPasses(KitRun.against(server.baseUri().toString(), "exprun-postgresql"));
        }
    }

    @Test
    void read_only_against_exprun_passes_and_creates_nothing() throws Exception {
        try (TestServer server = TestServer.startEmbedded(0)) {
            server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);
            server.fixtures().runIn(TENANT_A, LifecycleStatus.CANCELLED);
            int before = runsOfTenantA(server);

            KitRun kit = KitRun.against(server.baseUri().toString(), "exprun-h2-read-only", "--read-only");

            assertThat(kit.exit()).as(kit.console()).isZero();
            assertThat(kit.console().lines().findFirst().orElseThrow()).contains("read-only: no writes are made");
            assertThat(kit.passedIn("auth")).isEqualTo(22); // 11 operations × (no key, a wrong key)
            assertThat(kit.passedIn("tenancy")).isEqualTo(4); // of a run; an experiment's need writes
            assertThat(kit.passedIn("experiments")).isEqualTo(2);
            assertThat(kit.report().at("/side_effects/created_runs").size()).isZero();
            assertThat(kit.report().at("/side_effects/created_experiments").size())
                    .isZero();
            assertThat(runsOfTenantA(server)).isEqualTo(before);
        }
    }

    @Test
    void runs_it_created_that_are_still_active_at_the_end_are_cancelled() throws Exception {
        try (TestServer server = TestServer.start(TestServer.embeddedConfig(2).withSimulation(5_000, 0))) {
            KitRun kit = KitRun.against(server.baseUri().toString(), "exprun-h2-slow", "--timeout", "2s");

            assertThat(kit.exit()).as(kit.console()).isZero();
            assertThat(kit.cases("skipped"))
                    .anySatisfy(c -> assertThat(c)
                            .startsWith("[cancel] a run observed to finish by itself")
                            .contains("did not finish within 2000 ms"));
            assertThat(kit.report().at("/side_effects/cancelled_at_end").asInt())
                    .isEqualTo(1);
            assertThat(kit.console()).contains("cancelled 1 still active at the end");
            for (var id : kit.report().at("/side_effects/created_runs")) {
                assertThat(server.server()
                                .store()
                                .findRun(TENANT_A, id.asText())
                                .orElseThrow()
                                .status())
                        .as(id.asText())
                        .isEqualTo(LifecycleStatus.CANCELLED);
            }
        }
    }

    @Test
    void max_runs_bounds_the_runs_it_creates_and_says_which_checks_it_left_out() throws Exception {
        try (TestServer server = TestServer.start(TestServer.embeddedConfig(2).withSimulation(300, 0))) {
            KitRun kit = KitRun.against(server.baseUri().toString(), "exprun-h2-one-run", "--max-runs", "1");

            assertThat(kit.exit()).as(kit.console()).isZero();
            assertThat(kit.report().at("/side_effects/created_runs").size()).isEqualTo(1);
            assertThat(runsOfTenantA(server)).isEqualTo(1);
            assertThat(kit.cases("skipped"))
                    .anySatisfy(c -> assertThat(c)
                            .startsWith("[cancel] a run observed to finish by itself")
                            .contains("--max-runs 1 used up"));
        }
    }

    private static int runsOfTenantA(TestServer server) {
        return server.server()
                .store()
                .listRuns(TENANT_A, RunQuery.all(new PageRequest(null, null, 100, true)))
                .items()
                .size();
    }

    private static void assertPasses(KitRun kit) throws Exception {
        assertThat(kit.exit()).as(kit.console()).isZero();
        assertThat(kit.cases("failed")).isEmpty();
        // a variant no answer carried is skipped (a run is queued only for milliseconds); nothing else may be
        assertThat(kit.cases("skipped"))
                .as("nothing but unseen variants may be skipped against exprun")
                .allSatisfy(c -> assertThat(c).startsWith("[lifecycle]").contains("no answer carried this variant"));
        assertThat(kit.cases("passed"))
                .filteredOn(c -> c.startsWith("[lifecycle] WorkflowExperimentRunLifecycle"))
                .hasSizeGreaterThanOrEqualTo(5)
                .anySatisfy(c -> assertThat(c).contains("'error'"))
                .anySatisfy(c -> assertThat(c).contains("'cancelled'"))
                .anySatisfy(c -> assertThat(c).contains("'completed'"));
        assertThat(kit.cases("passed"))
                .anySatisfy(c -> assertThat(c).startsWith("[lifecycle] WorkflowExperimentResultLifecycle 'error'"));
        for (String category : new String[] {
            "auth",
            "negative",
            "cancel",
            "tenancy",
            "experiments",
            "validators",
            "waits",
            "paging",
            "data",
            "schema",
            "lifecycle"
        }) {
            assertThat(kit.passedIn(category)).as(category).isPositive();
        }
        assertThat(kit.passedIn("cancel")).isEqualTo(11);
        assertThat(kit.passedIn("tenancy")).isEqualTo(9); // 5 of a run, 4 of an experiment
        assertThat(kit.passedIn("experiments")).isEqualTo(13);
        assertThat(kit.passedIn("validators")).isEqualTo(6);
        assertThat(kit.passedIn("waits")).isEqualTo(3);
        assertThat(kit.report().at("/side_effects/created_runs").size()).isBetween(1, 4);
        // the two experiments it made (the experiments', the validators') were deleted by the checks themselves
        assertThat(kit.report().at("/side_effects/created_experiments").size()).isEqualTo(2);
        assertThat(kit.report().at("/side_effects/experiments_deleted_at_end").asInt())
                .isZero();
        assertThat(Files.readString(kit.junitXml()))
                .contains("<testsuites")
                .contains("failures=\"0\"")
                .contains("exprun.conformance.cancel");
    }
}
