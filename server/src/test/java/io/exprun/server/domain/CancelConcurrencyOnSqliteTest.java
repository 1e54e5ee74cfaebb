package io.exprun.server.domain;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

class CancelConcurrencyOnSqliteTest extends CancelConcurrencyContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.embeddedConfig(0);
    }
}
