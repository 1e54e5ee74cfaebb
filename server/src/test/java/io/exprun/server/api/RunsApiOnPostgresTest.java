package io.exprun.server.api;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.Nested;

/**
 * The API contract against a real PostgreSQL (embedded PostgreSQL 17, or EXPRUN_TEST_PG_URL), one operation per class,
 * each on a fresh database.
 */
class RunsApiOnPostgresTest {

    static ServerConfig freshConfig(int workers) {
        Postgres.Db db = Postgres.freshDatabase();
        return TestServer.embeddedConfig(workers).withDb(db.url(), db.user(), db.password());
    }

    @Nested
    class Create extends CreateRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Get extends GetRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class List extends ListRunsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Cancel extends CancelRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Results extends ResultsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Execution extends ExecutionContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class AuthAndRouting extends AuthAndRoutingContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Experiments extends ExperimentsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Validators extends ValidatorsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }

    @Nested
    class Waits extends WaitsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnPostgresTest.freshConfig(workers);
        }
    }
}
