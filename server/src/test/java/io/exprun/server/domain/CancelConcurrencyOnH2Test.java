package io.exprun.server.domain;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

class CancelConcurrencyOnH2Test extends CancelConcurrencyContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.h2Config(0);
    }
}
