package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.Limits;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, item 4: an API call whose statement waits past EXPRUN_STATEMENT_TIMEOUT_MS is stopped and answered in the
 * contract's shape for "not now" (503, {@code Retry-After}, the error envelope), and the server stays healthy. The wait
 * is a lock the test holds for as long as the call runs: PostgreSQL's row lock on the run a cancel must update (without
 * the timeout the cancel waits for as long as the lock is held, and the HTTP client's 30-second bound fails the test),
 * and SQLite's write lock (there SQLite's own 10-second busy wait also ends in 503, so on SQLite this checks the answer
 * and the recovery; {@code store/StatementTimeoutTest} shows the timeout stopping a statement on SQLite).
 */
class StatementTimeoutApiTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @Test
    void a_cancel_waiting_on_a_row_lock_past_the_timeout_is_503_on_postgres_and_the_server_stays_healthy()
            throws SQLException {
        Postgres.Db pg = Postgres.freshDatabase();
        ServerConfig config = oneSecond(TestServer.embeddedConfig(0).withDb(pg.url(), pg.user(), pg.password()));
        try (TestServer server = TestServer.start(config)) {
            String run = created(server);
            try (Connection lock = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
                lock.setAutoCommit(false);
                try (PreparedStatement s = lock.prepareStatement("SELECT id FROM runs WHERE id = ? FOR UPDATE")) {
                    s.setString(1, run);
                    s.executeQuery().close();
                }
                answeredNotNow(server, run);
                lock.rollback();
            }
            stillHealthy(server, run);
        }
    }

    @Test
    void a_cancel_waiting_on_the_write_lock_past_the_timeout_is_503_on_sqlite_and_the_server_stays_healthy()
            throws SQLException {
        ServerConfig config = oneSecond(TestServer.embeddedConfig(0));
        try (TestServer server = TestServer.start(config)) {
            String run = created(server);
            try (Connection lock = DriverManager.getConnection(config.dbUrl());
                    Statement s = lock.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                answeredNotNow(server, run);
                s.execute("ROLLBACK");
            }
            stillHealthy(server, run);
        }
    }

    private static ServerConfig oneSecond(ServerConfig config) {
        return config.withLimits(Limits.DEFAULTS.withStatementTimeout(Duration.ofSeconds(1)));
    }

    private static String created(TestServer server) {
        Http.Answer created = new Http(server.baseUri(), KEY_A).postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("id").asText();
    }

    private static void answeredNotNow(TestServer server, String run) {
        Http.Answer cancel = new Http(server.baseUri(), KEY_A).post(RUNS + "/" + run + "/cancel");
        assertThat(cancel.status())
                .as("a cancel behind the lock: %s", cancel.body())
                .isEqualTo(503);
        assertThat(cancel.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(cancel.errorCode()).isEqualTo("unavailable");
    }

    private static void stillHealthy(TestServer server, String run) {
        Http api = new Http(server.baseUri(), KEY_A);
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        assertThat(api.get(RUNS + "/" + run).lifecycleStatus())
                .as("the stopped cancel changed nothing")
                .isEqualTo("pending");
        Http.Answer cancel = api.post(RUNS + "/" + run + "/cancel");
        assertThat(cancel.status())
                .as("the same cancel once the lock is gone: %s", cancel.body())
                .isEqualTo(200);
    }
}
