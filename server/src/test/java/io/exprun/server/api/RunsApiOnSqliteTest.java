package io.exprun.server.api;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

/** The API contract against the embedded default, SQLite (a fresh file database per server). */
class RunsApiOnSqliteTest extends RunsApiContractTest {
    @Override
    ServerConfig freshConfig(int workers) {
        return TestServer.embeddedConfig(workers);
    }
}
