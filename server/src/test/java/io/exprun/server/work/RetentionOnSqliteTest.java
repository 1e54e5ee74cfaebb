package io.exprun.server.work;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

class RetentionOnSqliteTest extends RetentionContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.embeddedConfig(0);
    }
}
