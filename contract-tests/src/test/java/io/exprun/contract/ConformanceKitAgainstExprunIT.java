package io.exprun.contract;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance kit against the real exprun (Grizzly + Jersey, real HTTP, workers running 300 ms documents) on
 * H2 and on PostgreSQL passes, and not by skipping: every category made checks, the cancel state machine and tenant
 * isolation included, and the JUnit XML a CI would render is written.
 */
class ConformanceKitAgainstExprunIT {

    @Test
    void exprun_on_h2_passes_every_check_of_the_kit() throws Exception {
        try (TestServer server = TestServer.start(TestServer.h2Config(2).withSimulation(300, 0))) {
            assertPasses(KitRun.against(server.baseUri().toString(), "exprun-h2"));
        }
    }

    @Test
    void exprun_on_postgresql_passes_every_check_of_the_kit() throws Exception {
        Postgres.Db db = Postgres.freshDatabase();
        try (TestServer server = TestServer.start(TestServer.h2Config(2).withSimulation(300, 0)
                .withDb(db.url(), db.user(), db.password()))) {
            assertPasses(KitRun.against(server.baseUri().toString(), "exprun-postgresql"));
        }
    }

    @Test
    void read_only_against_exprun_passes_and_creates_nothing() throws Exception {
        try (TestServer server = TestServer.startH2(0)) {
            server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);
            server.fixtures().runIn(TENANT_A, LifecycleStatus.CANCELLED);
            int before = runsOfTenantA(server);

            KitRun kit = KitRun.against(server.baseUri().toString(), "exprun-h2-read-only", "--read-only");

            assertThat(kit.exit()).as(kit.console()).isZero();
            assertThat(kit.console().lines().findFirst().orElseThrow()).contains("read-only: no writes are made");
            assertThat(kit.passedIn("auth")).isEqualTo(12);
            assertThat(kit.passedIn("tenancy")).isEqualTo(4);
            assertThat(kit.report().at("/side_effects/created_runs").size()).isZero();
            assertThat(runsOfTenantA(server)).isEqualTo(before);
        }
    }

    private static int runsOfTenantA(TestServer server) {
        return server.server().store().listRuns(TENANT_A, RunQuery.all(new PageRequest(null, null, 100, true)))
                .items().size();
    }

    private static void assertPasses(KitRun kit) throws Exception {
        assertThat(kit.exit()).as(kit.console()).isZero();
        assertThat(kit.cases("failed")).isEmpty();
        assertThat(kit.cases("skipped")).as("nothing may be skipped against exprun").isEmpty();
        for (String category : new String[]{"auth", "negative", "cancel", "tenancy", "paging", "data", "schema"}) {
            assertThat(kit.passedIn(category)).as(category).isPositive();
        }
        assertThat(kit.passedIn("cancel")).isEqualTo(11);
        assertThat(kit.passedIn("tenancy")).isEqualTo(5);
        assertThat(kit.report().at("/side_effects/created_runs").size()).isBetween(1, 3);
        assertThat(Files.readString(kit.junitXml())).contains("<testsuites").contains("failures=\"0\"")
                .contains("exprun.conformance.cancel");
    }
}
