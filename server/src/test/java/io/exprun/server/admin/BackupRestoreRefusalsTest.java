package io.exprun.server.admin;

import static io.exprun.server.testing.CreateCancelLoad.RUNS;
import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.AdminRun;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.ServerProcess;
import io.exprun.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What backup and restore refuse, each in the two lines of a failed start and leaving every file as it was: a restore
 * while a server holds the directory, a backup file that is not an exprun database, a backup over an existing file,
 * a database that is not there, PostgreSQL, and a command that does not exist. Each refusal is paired with the same
 * command succeeding once its cause is gone, so the refusal is for that reason and no other.
 */
class BackupRestoreRefusalsTest {

    @TempDir
    Path dir;

    @Test
    void a_restore_is_refused_while_a_server_holds_the_directory_and_done_once_it_stopped() throws Exception {
        Path backup = dir.resolve("backup.db");
        ServerConfig config = TestServer.embeddedConfig(0);
        Path db = sqliteFile(config);
        Run run;
        try (TestServer server = TestServer.start(config)) {
            run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            assertThat(AdminRun.of(config.dbUrl(), "backup", backup.toString()).status())
                    .isZero();

            AdminRun refused = AdminRun.of(config.dbUrl(), "restore", backup.toString());

            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err())
                    .containsExactly(
                            "exprun: cannot restore: the data directory " + db.getParent()
                                    + " is in use by a running exprun " + "(its database is locked)",
                            "  fix: stop the server first, then run the restore again");
            assertThat(filesIn(db.getParent())).noneMatch(f -> f.contains("before-restore") || f.contains("restoring"));
            assertThat(new Http(server.baseUri(), KEY_A)
                            .get(RUNS + "/" + run.id())
                            .lifecycleStatus())
                    .isEqualTo("running");
        }

        AdminRun done = AdminRun.of(config.dbUrl(), "restore", backup.toString());

        assertThat(done.err()).isEmpty();
        assertThat(done.status()).isZero();
        assertThat(filesIn(db.getParent())).anyMatch(f -> f.startsWith("exprun.db.before-restore-"));
    }

    @Test
    void the_real_main_backs_up_a_running_server_and_refuses_to_restore_under_it_in_two_lines() throws Exception {
        Path backup = dir.resolve("from-main.db");
        ServerConfig config = TestServer.embeddedConfig(0);
        try (TestServer server = TestServer.start(config)) {
            server.fixtures().runIn(TENANT_A, LifecycleStatus.QUEUED);
            Map<String, String> env = Map.of("EXPRUN_DB_URL", config.dbUrl());

            ServerProcess.Exited backedUp =
                    ServerProcess.runUntilExit(env, dir, List.of(), List.of("backup", backup.toString()));
            ServerProcess.Exited refused =
                    ServerProcess.runUntilExit(env, dir, List.of(), List.of("restore", backup.toString()));

            assertThat(backedUp.status()).as("%s", backedUp.lines()).isZero();
            assertThat(backedUp.lines())
                    .singleElement()
                    .asString()
                    .startsWith("backed up " + sqliteFile(config))
                    .contains(" to " + backup + ": ")
                    .contains(" 1 runs,");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.lines()).hasSize(2);
            assertThat(refused.lines().get(1)).isEqualTo("  fix: stop the server first, then run the restore again");
            assertThat(refused.hasStackTrace()).isFalse();
        }
    }

    @Test
    void a_file_that_is_not_an_exprun_database_is_refused_and_nothing_is_changed() throws Exception {
        ServerConfig config = TestServer.embeddedConfig(0);
        Path db = sqliteFile(config);
        Run run;
        try (TestServer server = TestServer.start(config)) {
            run = server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);
        }
        Path text = Files.writeString(dir.resolve("notes.db"), "not a database, ".repeat(64));
        Path otherSqlite = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + otherSqlite);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (line TEXT)");
        }
        List<String> before = filesIn(db.getParent());

        AdminRun notSqlite = AdminRun.of(config.dbUrl(), "restore", text.toString());
        AdminRun notExprun = AdminRun.of(config.dbUrl(), "restore", otherSqlite.toString());
        AdminRun missing =
                AdminRun.of(config.dbUrl(), "restore", dir.resolve("nothing.db").toString());

        assertThat(notSqlite.status()).isEqualTo(1);
        assertThat(notSqlite.err().get(0))
                .startsWith("exprun: cannot restore: " + text + " is not an exprun backup: "
                        + "it is not an SQLite database (");
        assertThat(notSqlite.err().get(1))
                .isEqualTo("  fix: give a file written by: java -jar exprun-server.jar "
                        + "backup <file> (nothing was changed)");
        assertThat(notExprun.status()).isEqualTo(1);
        assertThat(notExprun.err())
                .first()
                .isEqualTo("exprun: cannot restore: " + otherSqlite + " is not an exprun "
                        + "backup: it is an SQLite database without exprun's table runs");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err())
                .first()
                .isEqualTo("exprun: cannot restore: there is no backup file " + dir.resolve("nothing.db"));
        assertThat(filesIn(db.getParent())).isEqualTo(before);
        try (TestServer server = TestServer.start(config)) {
            assertThat(new Http(server.baseUri(), KEY_A)
                            .get(RUNS + "/" + run.id())
                            .lifecycleStatus())
                    .isEqualTo("completed");
        }
    }

    @Test
    void a_backup_never_overwrites_a_file_nor_creates_a_database_that_is_not_there() throws Exception {
        ServerConfig config = TestServer.embeddedConfig(0);
        try (TestServer ignored = TestServer.start(config)) {
            Path taken = Files.writeString(dir.resolve("taken.db"), "keep me");

            AdminRun refused = AdminRun.of(config.dbUrl(), "backup", taken.toString());
            AdminRun done =
                    AdminRun.of(config.dbUrl(), "backup", dir.resolve("new.db").toString());

            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err())
                    .first()
                    .isEqualTo("exprun: cannot back up: " + taken + " already exists (a backup "
                            + "never overwrites a file)");
            assertThat(Files.readString(taken, StandardCharsets.UTF_8)).isEqualTo("keep me");
            assertThat(done.status()).isZero();
        }
        Path absent = dir.resolve("no-such-dir-yet").resolve("exprun.db");

        AdminRun nothing = AdminRun.of(
                "jdbc:sqlite:" + absent, "backup", dir.resolve("b.db").toString());

        assertThat(nothing.status()).isEqualTo(1);
        assertThat(nothing.err()).first().isEqualTo("exprun: cannot back up: there is no exprun database at " + absent);
        assertThat(absent.getParent()).doesNotExist();
        assertThat(dir.resolve("b.db")).doesNotExist();
    }

    @Test
    void postgresql_is_referred_to_its_own_tools_and_an_unknown_command_is_a_usage_error() {
        String postgres = "jdbc:postgresql://127.0.0.1:1/exprun";

        AdminRun backup = AdminRun.of(postgres, "backup", dir.resolve("x.db").toString());
        AdminRun restore = AdminRun.of(postgres, "restore", dir.resolve("x.db").toString());
        AdminRun unknown = AdminRun.of(postgres, "backpu", "x.db");
        AdminRun noFile = AdminRun.of(postgres, "backup");

        assertThat(backup.status()).isEqualTo(1);
        assertThat(backup.err()).last().asString().startsWith("  fix: back PostgreSQL up with pg_dump -Fc --no-owner");
        assertThat(restore.status()).isEqualTo(1);
        assertThat(restore.err()).last().asString().startsWith("  fix: restore PostgreSQL with pg_restore --no-owner");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err())
                .containsExactly(
                        "exprun: cannot run backpu x.db: unknown command or wrong arguments",
                        "  fix: usage: " + AdminCommands.USAGE);
        assertThat(noFile.status()).isEqualTo(2);
    }

    private static Path sqliteFile(ServerConfig config) {
        return Path.of(config.dbUrl().substring("jdbc:sqlite:".length()));
    }

    private static List<String> filesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
