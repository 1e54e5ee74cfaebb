package io.exprun.server.work;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

class RetentionOnH2Test extends RetentionContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.h2Config(0);
    }
}
