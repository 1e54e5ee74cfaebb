package io.exprun.server.api;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.TestServer;

/** The API contract against the embedded default, H2 (a fresh file database per server). */
class RunsApiOnH2Test extends RunsApiContractTest {
    @Override
    ServerConfig freshConfig(int workers) {
        return TestServer.h2Config(workers);
    }
}
