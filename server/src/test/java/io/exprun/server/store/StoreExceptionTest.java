package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.exprun.server.api.ExceptionMappers;
import io.exprun.server.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Only a database that is out of reach, overloaded or closed answers 503 (retry later); a statement that fails on its
 * own merits is a 500, because retrying repeats it. Judged on real exceptions from the real drivers.
 */
class StoreExceptionTest {

    private static StoreException from(Connection c, String sql, Object... args) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.execute();
            }
        });
        assertThat((Throwable) e).as("%s fails", sql).isNotNull();
        return new StoreException(e);
    }

    private static int status(StoreException e) {
        return new ExceptionMappers.StoreUnavailable().toResponse(e).getStatus();
    }

    private static Connection sqlite(Path file, int busyTimeoutMs) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file + "?busy_timeout=" + busyTimeoutMs);
    }

    @Test
    void a_missing_table_or_bad_sql_on_sqlite_is_a_500() throws Exception {
        try (Connection c = sqlite(Files.createTempDirectory("store-exception-").resolve("x.db"), 0)) {
            assertThat(status(from(c, "SELECT * FROM no_such_table"))).isEqualTo(500);
            assertThat(status(from(c, "SELEKT 1"))).isEqualTo(500);
        }
    }

    @Test
    void a_duplicate_key_on_sqlite_is_recognised_and_is_a_500_not_an_outage() throws Exception {
        try (Connection c = sqlite(Files.createTempDirectory("store-exception-").resolve("x.db"), 0)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id VARCHAR(8) PRIMARY KEY, n INTEGER NOT NULL)");
                s.execute("INSERT INTO t VALUES ('a', 1)");
            }
            StoreException duplicate = from(c, "INSERT INTO t VALUES ('a', 2)");
            StoreException nullColumn = from(c, "INSERT INTO t VALUES ('b', NULL)");

            assertThat(duplicate.duplicateKey()).isTrue();
            assertThat(status(duplicate)).isEqualTo(500);
            assertThat(nullColumn.duplicateKey())
                    .as("another constraint is not a duplicate key")
                    .isFalse();
        }
    }

    @Test
    void sqlite_busy_past_its_timeout_is_a_503() throws Exception {
        Path file = Files.createTempDirectory("store-exception-").resolve("x.db");
        try (Connection writer = sqlite(file, 0);
                Connection other = sqlite(file, 0)) {
            try (Statement s = writer.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER)");
                s.execute("BEGIN IMMEDIATE");
                s.execute("INSERT INTO t VALUES (1)");
            }
            // the writer holds SQLite's one write lock: the other connection's write is refused at once (timeout 0)
            assertThat(status(from(other, "INSERT INTO t VALUES (2)"))).isEqualTo(503);
        }
    }

    @Test
    void a_refused_postgresql_connection_is_a_503() {
        SQLException refused = catchThrowableOfType(
                SQLException.class,
                () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2", "x", "y"));

        assertThat(status(new StoreException(refused))).isEqualTo(503);
    }

    @Test
    void a_nul_byte_postgresql_rejects_is_not_an_outage() throws SQLException {
        Postgres.Db db = Postgres.freshDatabase();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            assertThat(status(from(c, "SELECT ?::text", "a\u0000b"))).isEqualTo(500);
            assertThat(status(from(c, "SELECT 1/0"))).isEqualTo(500);
        }
    }

    @Test
    void storage_that_refuses_writes_is_recognised_on_both_databases_and_a_broken_statement_is_not() throws Exception {
        Path file = Files.createTempDirectory("store-exception-").resolve("x.db");
        try (Connection c = sqlite(file, 0)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id VARCHAR(8) PRIMARY KEY)");
            }
            assertThat(from(c, "INSERT INTO t VALUES (NULL, 1)").cannotWrite()).isFalse();
        }
        try (Connection readOnly = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro")) {
            StoreException refused = from(readOnly, "INSERT INTO t VALUES ('a')");
            assertThat(refused.cannotWrite())
                    .as("SQLITE_READONLY: %s", refused.getMessage())
                    .isTrue();
            assertThat(status(refused)).isEqualTo(503);
        }
        Postgres.Db db = Postgres.freshDatabase();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id VARCHAR(8) PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES ('a')");
            }
            assertThat(from(c, "INSERT INTO t VALUES ('a')").cannotWrite()).isFalse();
            try (Statement s = c.createStatement()) {
                s.execute("SET default_transaction_read_only = on");
            }
            StoreException refused = from(c, "INSERT INTO t VALUES ('b')");
            assertThat(refused.cannotWrite())
                    .as("25006: %s", refused.getMessage())
                    .isTrue();
            assertThat(status(refused)).isEqualTo(503);
        }
    }
}
