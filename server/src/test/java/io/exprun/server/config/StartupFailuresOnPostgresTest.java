package io.exprun.server.config;

import static io.exprun.server.config.StartupFailuresTest.assertTwoLinesNoTrace;
import static io.exprun.server.config.StartupFailuresTest.cause;
import static io.exprun.server.config.StartupFailuresTest.fix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.ServerProcess;
import io.exprun.server.testing.ServerProcess.Exited;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code Main} in its own JVM against a real PostgreSQL that says no: unreachable, a wrong password, and a
 * role with nothing but CONNECT (docs/operating.md, "Running on PostgreSQL", quotes that line). Granting what it says
 * the migrations need then lets the same role start.
 */
class StartupFailuresOnPostgresTest {

    @TempDir
    Path work;

    /** Role names unique to this JVM: a PostgreSQL of your own (EXPRUN_TEST_PG_URL) keeps roles between runs. */
    private static final String RUN = "_" + ProcessHandle.current().pid();

    private static final String PW_ROLE = "exprun_pw" + RUN;
    private static final String CONNECT_ROLE = "exprun_connect" + RUN;
    private static final String README_ROLE = "exprun_readme" + RUN;

    /** The database's URL without the embedded server's {@code ?user=postgres}, which would override EXPRUN_DB_USER. */
    private static String bareUrl(Postgres.Db db) {
        return db.url().replaceFirst("\\?.*$", "");
    }

    private static void sql(Postgres.Db db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String databaseName(Postgres.Db db) {
        String path = URI.create(bareUrl(db).substring("jdbc:".length())).getPath();
        return path.substring(1);
    }

    @Test
    void an_unreachable_postgres_names_host_and_port() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }

        Exited exited = ServerProcess.runUntilExit(
                Map.of(
                        "EXPRUN_API_KEYS",
                        "k:t",
                        "EXPRUN_DB_URL",
                        "jdbc:postgresql://127.0.0.1:" + closed + "/exprun",
                        "EXPRUN_DB_USER",
                        "exprun",
                        "EXPRUN_DB_PASSWORD",
                        "x"),
                work,
                List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: cannot reach PostgreSQL at 127.0.0.1:" + closed
                        + " (connection refused or timed out)");
        assertThat(fix(exited)).contains("EXPRUN_DB_URL");
    }

    @Test
    void a_wrong_password_says_so_and_names_the_user() throws Exception {
        Postgres.Db db = Postgres.freshDatabase();
        sql(db, "CREATE ROLE " + PW_ROLE + " LOGIN PASSWORD 'right-password'");
        Postgres.requirePassword(db, PW_ROLE);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> loginFailsWith(bareUrl(db), PW_ROLE, "wrong-password"), "28P01"::equals);

        Exited exited = ServerProcess.runUntilExit(
                Map.of(
                        "EXPRUN_API_KEYS",
                        "k:t",
                        "EXPRUN_DB_URL",
                        bareUrl(db),
                        "EXPRUN_DB_USER",
                        PW_ROLE,
                        "EXPRUN_DB_PASSWORD",
                        "wrong-password"),
                work,
                List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
        assertThat(cause(exited))
                .matches("exprun: cannot start: PostgreSQL at [^ ]+ refused the login of user " + "'" + PW_ROLE
                        + "': wrong password");
        assertThat(fix(exited)).contains("EXPRUN_DB_USER", "EXPRUN_DB_PASSWORD");
    }

    @Test
    void a_connect_only_role_cannot_migrate_and_is_told_which_grant_it_needs_then_starts_with_it() throws Exception {
        Postgres.Db db = Postgres.freshDatabase();
        String database = databaseName(db);
        // docs/operating.md's commands for a role that does not own the database, minus the schema grant
        sql(
                db,
                "CREATE ROLE " + CONNECT_ROLE + " LOGIN PASSWORD 'pw'",
                "REVOKE ALL ON DATABASE " + database + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + database + " TO " + CONNECT_ROLE);
        Map<String, String> env = Map.of(
                "EXPRUN_API_KEYS",
                "k:t",
                "EXPRUN_DB_URL",
                bareUrl(db),
                "EXPRUN_DB_USER",
                CONNECT_ROLE,
                "EXPRUN_DB_PASSWORD",
                "pw",
                "EXPRUN_WORKERS",
                "0");

        Exited refused = ServerProcess.runUntilExit(env, work, List.of());

        assertTwoLinesNoTrace(refused, StartupFailure.EXIT_FAILED);
        assertThat(cause(refused))
                .matches("exprun: cannot start: user '" + CONNECT_ROLE + "' may not create exprun's tables "
                        + "in PostgreSQL at [^ ]+ \\(ERROR: permission denied for schema public.*\\)");
        assertThat(fix(refused)).contains("GRANT USAGE, CREATE ON SCHEMA public TO " + CONNECT_ROLE);

        // the grant the fix names, run in the exprun database as its owner (docs/operating.md's step)
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + CONNECT_ROLE);
        }
        try (ServerProcess started = ServerProcess.start(env, work)) {
            assertThat(started.baseUri()).isNotNull();
        }
    }

    @Test
    void the_readmes_role_and_database_commands_are_all_exprun_needs() throws Exception {
        Postgres.Db admin = Postgres.freshDatabase();
        String database = "exprun_readme_" + ProcessHandle.current().pid();
        // docs/operating.md, "Running on PostgreSQL": the two psql commands, verbatim apart from names and password
        sql(
                admin,
                "CREATE ROLE " + README_ROLE + " LOGIN PASSWORD 'change-me'",
                "CREATE DATABASE " + database + " OWNER " + README_ROLE);
        String url = bareUrl(admin).replaceFirst("/[^/]+$", "/" + database);

        try (ServerProcess started = ServerProcess.start(
                Map.of(
                        "EXPRUN_DB_URL",
                        url,
                        "EXPRUN_DB_USER",
                        README_ROLE,
                        "EXPRUN_DB_PASSWORD",
                        "change-me",
                        "EXPRUN_WORKERS",
                        "0"),
                work)) {
            assertThat(new io.exprun.server.testing.Http(started.baseUri(), io.exprun.server.testing.RunFixtures.KEY_A)
                            .get("/readyz")
                            .status())
                    .isEqualTo(200);
        }
    }

    /** The SQLState a login attempt fails with, or "ok". */
    private static String loginFailsWith(String url, String user, String password) {
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
