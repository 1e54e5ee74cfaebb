package io.exprun.server.api;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.Nested;

/** The API contract against the embedded default, SQLite (a fresh file database per server), one operation per class. */
class RunsApiOnSqliteTest {

    static ServerConfig freshConfig(int workers) {
        return TestServer.embeddedConfig(workers);
    }

    @Nested
    class Create extends CreateRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Get extends GetRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class List extends ListRunsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Cancel extends CancelRunContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Results extends ResultsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Execution extends ExecutionContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class AuthAndRouting extends AuthAndRoutingContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Experiments extends ExperimentsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Validators extends ValidatorsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }

    @Nested
    class Waits extends WaitsContractTest {
        @Override
        ServerConfig freshConfig(int workers) {
            return RunsApiOnSqliteTest.freshConfig(workers);
        }
    }
}
