package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.exprun.server.config.Limits;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, item 4: a statement that runs past EXPRUN_STATEMENT_TIMEOUT_MS is stopped, as a store that is unavailable
 * for now (503 + Retry-After to an API caller), and the pool goes on serving. The statements here never end by
 * themselves (a recursive count to two billion on SQLite, an hour's pg_sleep on PostgreSQL), so only the timeout can
 * stop them: without it the preemptive bound (a hang guard, far above the timeout) fails the test.
 */
class StatementTimeoutTest {

    private static final Limits ONE_SECOND = Limits.DEFAULTS.withStatementTimeout(Duration.ofSeconds(1));
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @Test
    void a_query_running_past_the_timeout_is_stopped_on_sqlite_and_the_pool_goes_on() {
        try (Database db = Database.open(TestServer.embeddedConfig(0).dbUrl(), null, null, 2, ONE_SECOND, true)) {
            stoppedAsUnavailable(
                    db,
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000)"
                            + " SELECT count(*) FROM c");
            assertThat(selectOne(db)).as("the pool after the stopped statement").isEqualTo(1);
        }
    }

    @Test
    void a_query_running_past_the_timeout_is_stopped_on_postgres_and_the_pool_goes_on() {
        Postgres.Db pg = Postgres.freshDatabase();
        try (Database db = Database.open(pg.url(), pg.user(), pg.password(), 2, ONE_SECOND, false)) {
            stoppedAsUnavailable(db, "SELECT count(*) FROM pg_sleep(3600)");
            assertThat(selectOne(db)).as("the pool after the stopped statement").isEqualTo(1);
        }
    }

    private static int selectOne(Database db) {
        return db.sql().read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    }

    private static void stoppedAsUnavailable(Database db, String neverEnding) {
        assertTimeoutPreemptively(
                HANG_GUARD,
                () -> assertThatThrownBy(() -> db.sql()
                                .read(h -> h.createQuery(neverEnding)
                                        .mapTo(Long.class)
                                        .one()))
                        .isInstanceOfSatisfying(
                                StoreException.class,
                                e -> assertThat(e.unavailable())
                                        .as(
                                                "a statement stopped by its timeout is 'not now' (503), not a broken one: %s",
                                                e)
                                        .isTrue()));
    }
}
