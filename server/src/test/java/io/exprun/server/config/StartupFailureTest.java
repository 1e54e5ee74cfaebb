package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** The translation table itself, for causes the process tests cannot provoke cheaply, and its limits. */
class StartupFailureTest {

    private static final ServerConfig EMBEDDED = ServerConfig.defaults();
    private static final ServerConfig PG =
            ServerConfig.defaults().withDb("jdbc:postgresql://db.internal:6543/exprun", "exprun", "pw");

    private static StartupFailure explain(Throwable t, ServerConfig config) {
        return StartupFailure.explain(t, config, DataDirectory.of(config));
    }

    @Test
    void an_unrecognised_failure_is_not_dressed_up_as_a_known_one() {
        // negative control: nothing in this chain is a port, a disk, a lock or a database refusal
        StartupFailure f =
                explain(new IllegalStateException("wrapper", new ArithmeticException("/ by zero")), EMBEDDED);

        assertThat(f.getMessage()).isEqualTo("ArithmeticException: / by zero");
        assertThat(f.fix()).contains("EXPRUN_LOG_LEVEL=DEBUG");
        assertThat(f.exitStatus()).isEqualTo(StartupFailure.EXIT_FAILED);
    }

    @Test
    void an_address_that_is_not_this_machines_points_at_exprun_bind() {
        StartupFailure f = explain(new BindException("Cannot assign requested address"), EMBEDDED.withBind("10.9.9.9"));

        assertThat(f.getMessage()).isEqualTo("cannot listen on 10.9.9.9:8080: Cannot assign requested address");
        assertThat(f.fix()).contains("EXPRUN_BIND");
    }

    @Test
    void postgres_refusals_are_told_apart_by_sql_state() {
        assertThat(explain(new SQLException("FATAL: database \"exprun\" does not exist", "3D000"), PG)
                        .getMessage())
                .isEqualTo("PostgreSQL at db.internal:6543: FATAL: database \"exprun\" does not exist");
        assertThat(explain(new SQLException("FATAL: role \"exprun\" is not permitted to log in", "28000"), PG)
                        .getMessage())
                .contains("refused the login of user 'exprun'");
        assertThat(explain(new SQLException("FATAL: permission denied for database \"exprun\"", "42501"), PG)
                        .fix())
                .isEqualTo("GRANT CONNECT ON DATABASE <database> TO exprun");
        assertThat(explain(
                                new FlywayException(
                                        "migration failed",
                                        new SQLException("ERROR: permission denied for schema public", "42501")),
                                PG)
                        .fix())
                .contains("GRANT USAGE, CREATE ON SCHEMA public TO exprun");
        assertThat(explain(new SQLException("FATAL: sorry, too many clients already", "53300"), PG)
                        .getMessage())
                .contains("no free connections");
    }

    @Test
    void a_failed_migration_without_a_known_cause_still_says_it_was_the_migration() {
        StartupFailure f = explain(
                new FlywayException("Validate failed: Migration checksum mismatch for migration "
                        + "version 1\nApplied to database : 1\nResolved locally    : 2"),
                PG);

        assertThat(f.getMessage())
                .isEqualTo("the database schema could not be migrated: Validate failed: Migration "
                        + "checksum mismatch for migration version 1");
    }

    @Test
    void a_catalog_that_cannot_be_read_names_the_file() {
        StartupFailure f = explain(
                new UncheckedIOException(
                        "cannot read experiments catalog /etc/exprun/catalog.json",
                        new java.nio.file.NoSuchFileException("/etc/exprun/catalog.json")),
                EMBEDDED);

        assertThat(f.getMessage()).contains("/etc/exprun/catalog.json");
    }

    @Test
    void permission_denied_names_the_data_directory() {
        StartupFailure f = explain(
                new AccessDeniedException("/srv/exprun/data"),
                EMBEDDED.withDb("jdbc:sqlite:/srv/exprun/data/exprun.db", null, null));

        assertThat(f.getMessage()).isEqualTo("cannot write to the data directory /srv/exprun/data (permission denied)");
    }

    @Test
    void the_data_directory_is_the_sqlite_files_directory_else_data() {
        assertThat(DataDirectory.of(EMBEDDED).path()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(DataDirectory.of(EMBEDDED.withDb("jdbc:sqlite:/srv/x/exprun.db", null, null))
                        .path())
                .isEqualTo(Path.of("/srv/x"));
        assertThat(DataDirectory.of(EMBEDDED.withDb("jdbc:sqlite:file:/srv/y/exprun.db?cache=private", null, null))
                        .path())
                .isEqualTo(Path.of("/srv/y"));
        assertThat(DataDirectory.of(EMBEDDED.withDb("jdbc:sqlite:~/exprun.db", null, null))
                        .path())
                .isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(DataDirectory.of(PG).path()).isEqualTo(Path.of("data").toAbsolutePath());
    }
}
