package io.exprun.server.api;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;

/** The API contract against a real PostgreSQL (embedded PostgreSQL 17, or EXPRUN_TEST_PG_URL). */
class RunsApiOnPostgresTest extends RunsApiContractTest {
    @Override
    ServerConfig freshConfig(int workers) {
        Postgres.Db db = Postgres.freshDatabase();
        return TestServer.embeddedConfig(workers).withDb(db.url(), db.user(), db.password());
    }
}
