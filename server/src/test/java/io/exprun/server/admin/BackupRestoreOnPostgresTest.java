package io.exprun.server.admin;

import static io.exprun.server.testing.CreateCancelLoad.RUNS;
import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.CreateCancelLoad;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.PostgresCluster;
import io.exprun.server.testing.Prerequisites;
import io.exprun.server.testing.TestServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL backup of docs/operating.md, exactly as documented: {@code pg_dump -Fc --no-owner} as the role exprun uses, taken
 * while a real server serves create and cancel load, then {@code pg_restore --no-owner} into a fresh database owned by
 * that role. A fresh server on it has every run and cancel acknowledged before the dump began, and none created after
 * it ended. pg_dump refuses servers newer than itself, so the cluster is a throwaway one of Debian's PostgreSQL 15,
 * whose pg_dump is the one installed; see {@link #requirePostgres15}.
 */
class BackupRestoreOnPostgresTest {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore");
    private static final String ROLE = "exprun";
    private static final String ROLE_PASSWORD = "exprun-test-pw";

    @TempDir
    Path dir;

    /**
     * PostgreSQL 15's programs are a prerequisite, not an option: under {@code CI=true} their absence fails the test
     * (a CI that skipped it would prove nothing about the documented commands); elsewhere it is skipped, saying why on
     * the console, where surefire's summary alone would not. A root JVM also needs runuser to start the cluster.
     */
    static void requirePostgres15(String ciVariable, Path bin, boolean asRoot, Path runuser, PrintStream console) {
        List<String> missing = new ArrayList<>();
        for (String program : PROGRAMS) {
            if (!Files.isExecutable(bin.resolve(program))) {
                missing.add(bin.resolve(program).toString());
            }
        }
        if (asRoot && !Files.isExecutable(runuser)) {
            missing.add(runuser + " (PostgreSQL refuses to run as root)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "BackupRestoreOnPostgresTest needs PostgreSQL 15's server and client programs; missing: "
                + String.join(", ", missing) + ". Install them with: apt-get install postgresql (.ci/run does)";
        Prerequisites.missing(ciVariable, why, console);
    }

    @Test
    void pg_dump_under_load_and_pg_restore_keep_every_run_and_cancel_acknowledged_before_the_dump_began()
            throws Exception {
        requirePostgres15(
                System.getenv("CI"), BIN, PostgresCluster.runningAsRoot(), Path.of("/usr/sbin/runuser"), System.out);
        Path dump = dir.resolve("exprun.dump");
        Map<String, String> password = Map.of("PGPASSWORD", ROLE_PASSWORD);
        try (PostgresCluster cluster = PostgresCluster.start(BIN)) {
            // docs/operating.md's set-up: a login role owning its database, and a fresh database it owns for the
            // restore
            cluster.asSuperuser(
                    "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'",
                    "CREATE DATABASE exprun OWNER " + ROLE,
                    "CREATE DATABASE exprun_restored OWNER " + ROLE);
            List<CreateCancelLoad.Ack> creates;
            List<CreateCancelLoad.Ack> cancels;
            try (TestServer source = TestServer.start(
                    TestServer.embeddedConfig(2).withDb(cluster.jdbcUrl("exprun"), ROLE, ROLE_PASSWORD))) {
                try (CreateCancelLoad load = CreateCancelLoad.start(source.baseUri(), KEY_A, 3, 40)) {
                    load.awaitWarmedUp();
                    load.backupBegins();
                    cluster.client(
                            password,
                            "pg_dump",
                            "-Fc",
                            "--no-owner",
                            "-d",
                            cluster.libpqUrl(ROLE, "exprun"),
                            "-f",
                            dump.toString());
                    load.backupEnded();
                    load.close();
                    creates = load.creates();
                    cancels = load.cancels();
                }
                Http sourceApi = new Http(source.baseUri(), KEY_A);
                for (CreateCancelLoad.Ack late : createdAfterDumpEnded(creates)) {
                    assertThat(sourceApi.get(RUNS + "/" + late.runId()).status())
                            .as("run %s, created after the dump, is in the live database", late.runId())
                            .isEqualTo(200);
                }
            }

            cluster.client(
                    password,
                    "pg_restore",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    "-d",
                    cluster.libpqUrl(ROLE, "exprun_restored"),
                    dump.toString());

            try (TestServer fresh = TestServer.start(
                    TestServer.embeddedConfig(0).withDb(cluster.jdbcUrl("exprun_restored"), ROLE, ROLE_PASSWORD))) {
                Http api = new Http(fresh.baseUri(), KEY_A);
                CreateCancelLoad.assertServesTheSnapshot(api, creates, cancels, createdAfterDumpEnded(creates));
            }
        }
    }

    private static List<CreateCancelLoad.Ack> createdAfterDumpEnded(List<CreateCancelLoad.Ack> creates) {
        return creates.stream()
                .filter(CreateCancelLoad.Ack::sentAfterBackupEnded)
                .toList();
    }
}
