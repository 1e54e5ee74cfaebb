package io.exprun.server.edge;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

/** The request edge on the embedded default, SQLite. */
class EdgeOnSqliteTest extends EdgeContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.embeddedConfig(0);
    }
}
