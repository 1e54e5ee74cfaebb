package io.exprun.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The PostgreSQL backup test's gate: fail under CI=true without PostgreSQL 15, skip loudly elsewhere, run with it. */
class BackupRestoreOnPostgresPrerequisitesTest {

    private static final String[] PROGRAMS = {"initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore"};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private PrintStream console() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    @Test
    void without_postgresql_15_under_ci_the_backup_test_fails() {
        assertThatThrownBy(() -> BackupRestoreOnPostgresTest.requirePostgres15(
                        "true", dir, false, dir.resolve("runuser"), console()))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(dir.resolve("pg_dump").toString())
                .hasMessageContaining("apt-get install postgresql");
    }

    @Test
    void without_postgresql_15_elsewhere_it_is_skipped_and_says_why_on_the_console() {
        assertThatThrownBy(() -> BackupRestoreOnPostgresTest.requirePostgres15(
                        null, dir, false, dir.resolve("runuser"), console()))
                .isInstanceOf(TestAbortedException.class);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .startsWith("[SKIPPED] BackupRestoreOnPostgresTest needs PostgreSQL 15")
                .contains(dir.resolve("initdb").toString());
    }

    @Test
    void as_root_it_also_needs_runuser_to_start_the_cluster() throws Exception {
        for (String program : PROGRAMS) {
            executable(program);
        }
        Path runuser = dir.resolve("runuser");

        assertThatThrownBy(() -> BackupRestoreOnPostgresTest.requirePostgres15("true", dir, true, runuser, console()))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(runuser.toString());
        assertThatCode(() -> BackupRestoreOnPostgresTest.requirePostgres15("true", dir, false, runuser, console()))
                .doesNotThrowAnyException();
    }

    @Test
    void with_every_program_installed_the_gate_lets_it_run_even_under_ci() throws Exception {
        for (String program : PROGRAMS) {
            executable(program);
        }
        Path runuser = executable("runuser");

        assertThatCode(() -> BackupRestoreOnPostgresTest.requirePostgres15("true", dir, true, runuser, console()))
                .doesNotThrowAnyException();
        assertThat(console.size()).isZero();
    }

    private Path executable(String name) throws Exception {
        return Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
