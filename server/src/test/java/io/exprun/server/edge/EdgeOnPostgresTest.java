package io.exprun.server.edge;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;

/** The request edge on PostgreSQL, which rejects U+0000 in text with an error that once read as an outage (503). */
class EdgeOnPostgresTest extends EdgeContractTest {
    @Override
    ServerConfig freshConfig() {
        Postgres.Db db = Postgres.freshDatabase();
        return TestServer.embeddedConfig(0).withDb(db.url(), db.user(), db.password());
    }
}
