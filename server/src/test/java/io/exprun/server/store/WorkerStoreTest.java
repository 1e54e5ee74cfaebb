package io.exprun.server.store;

import static io.exprun.server.testing.RunFixtures.OWNER;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.port.WorkerStore;
import io.exprun.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The workers' port on both databases: first failure kept with the run, releases, leases on the database's clock. */
class WorkerStoreTest {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void the_first_failure_is_kept_with_the_run_and_never_overwritten(String kind) {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            JdbiWorkerStore store = server.server().workerStore();
            Run run = server.fixtures().running(TENANT_A, 0, false);
            ErrorInfo first =
                    new ErrorInfo("timed out", null, "blk", "Extract", "timeout", Map.of("document_id", "d1"));
            ErrorInfo second = new ErrorInfo("bad pdf", null, "blk", "Extract", "corrupt", Map.of("document_id", "d2"));

            Result r1 = store.startNextResult(run.id(), OWNER).orElseThrow();
            assertThat(store.failResult(run.id(), r1.id(), OWNER, "timed out", first))
                    .isTrue();
            Result r2 = store.startNextResult(run.id(), OWNER).orElseThrow();
            assertThat(store.failResult(run.id(), r2.id(), OWNER, "bad pdf", second))
                    .isTrue();

            assertThat(store.firstFailure(run.id())).contains(first);
            assertThat(store.run(run.id()).orElseThrow().errorCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void a_released_run_is_claimable_at_once_and_its_interrupted_document_runs_again(String kind) {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            JdbiWorkerStore store = server.server().workerStore();
            Run run = server.fixtures().running(TENANT_A, 1, true); // held for an hour by OWNER

            assertThat(store.claim(run.id(), "another"))
                    .as("a live lease is not taken")
                    .isEmpty();
            assertThat(store.release(run.id(), "another"))
                    .as("only the owner releases")
                    .isFalse();
            assertThat(store.release(run.id(), OWNER)).isTrue();

            assertThat(store.claim(run.id(), "another")).isPresent();
            List<Result> results = server.server()
                    .store()
                    .listResults(TENANT_A, run.id(), new PageRequest(null, null, 10, true))
                    .items();
            assertThat(results)
                    .extracting(Result::status)
                    .containsOnly(LifecycleStatus.COMPLETED, LifecycleStatus.PENDING);
            assertThat(results)
                    .extracting(Result::attempt)
                    .as("newest first: the second document runs again")
                    .containsExactly(0, 0, 0, 1, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void a_run_is_taken_over_only_while_its_lease_is_exactly_as_seen_and_then_its_old_owner_has_lost_it(String kind) {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            JdbiWorkerStore store = server.server().workerStore();
            Run run = server.fixtures().running(TENANT_A, 1, true);
            WorkerStore.Lease seen = store.runningLeases().stream()
                    .filter(l -> l.runId().equals(run.id()))
                    .findFirst()
                    .orElseThrow();
            assertThat(seen.owner()).isEqualTo(OWNER);

            assertThat(store.renewLease(run.id(), OWNER)).as("its owner lives").isTrue();
            assertThat(store.takeOver(seen, "another"))
                    .as("a lease that moved since it was seen is not taken")
                    .isEmpty();

            WorkerStore.Lease now = store.runningLeases().stream()
                    .filter(l -> l.runId().equals(run.id()))
                    .findFirst()
                    .orElseThrow();
            assertThat(now.beat()).isGreaterThan(seen.beat());
            assertThat(store.takeOver(now, "another")).isPresent();
            assertThat(store.takeOver(now, "a third")).as("taken once").isEmpty();
            assertThat(store.renewLease(run.id(), OWNER))
                    .as("the old owner lost it")
                    .isFalse();
            assertThat(server.server()
                            .store()
                            .listResults(TENANT_A, run.id(), new PageRequest(null, null, 10, true))
                            .items())
                    .extracting(Result::attempt)
                    .as("the document its old owner left running runs again, as a new attempt")
                    .contains(1);
        }
    }

    @Test
    void the_postgresql_pool_states_read_committed_rather_than_relying_on_the_servers_default() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config("postgres", 0));
                java.sql.Connection c = server.server().database().dataSource().getConnection()) {
            assertThat(server.server().database().pool().getTransactionIsolation())
                    .isEqualTo("TRANSACTION_READ_COMMITTED");
            assertThat(c.getTransactionIsolation()).isEqualTo(java.sql.Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    /** SQLite has one isolation level, serializable, and one writer at a time: nothing weaker can be asked for. */
    @Test
    void the_embedded_pool_is_serializable() throws Exception {
        try (TestServer server = TestServer.startEmbedded(0);
                java.sql.Connection c = server.server().database().dataSource().getConnection()) {
            assertThat(c.getTransactionIsolation()).isEqualTo(java.sql.Connection.TRANSACTION_SERIALIZABLE);
        }
    }
}
