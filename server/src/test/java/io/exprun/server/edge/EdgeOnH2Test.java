package io.exprun.server.edge;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

/** The request edge on the embedded default, H2. */
class EdgeOnH2Test extends EdgeContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.h2Config(0);
    }
}
