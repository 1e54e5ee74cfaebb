package io.exprun.server.domain;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;

class CancelConcurrencyOnPostgresTest extends CancelConcurrencyContractTest {
    @Override
    ServerConfig freshConfig() {
        Postgres.Db db = Postgres.freshDatabase();
        return TestServer.embeddedConfig(0).withDb(db.url(), db.user(), db.password());
    }
}
