package io.exprun.server.admin;

import static io.exprun.server.testing.CreateCancelLoad.RUNS;
import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.AdminRun;
import io.exprun.server.testing.CreateCancelLoad;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's backup, taken while a real server serves create and cancel load, restored into a fresh
 * directory by the restore command: a fresh server on it has every run and every cancel acknowledged before the
 * backup began, and (the control that the restore is the snapshot, not a later copy) none created after it ended.
 */
class BackupRestoreOnSqliteTest {

    @TempDir
    Path dir;

    @Test
    void a_backup_under_load_restores_every_run_and_cancel_acknowledged_before_it_began() throws Exception {
        Path backup = dir.resolve("exprun-backup.db");
        Path restoredDb = dir.resolve("fresh").resolve("data").resolve("exprun.db");
        List<CreateCancelLoad.Ack> creates;
        List<CreateCancelLoad.Ack> cancels;
        AdminRun backedUp;
        ServerConfig sourceConfig = TestServer.embeddedConfig(2);
        try (TestServer source = TestServer.start(sourceConfig)) {
            String sourceUrl = sourceConfig.dbUrl();
            try (CreateCancelLoad load = CreateCancelLoad.start(source.baseUri(), KEY_A, 3, 40)) {
                load.awaitWarmedUp();
                load.backupBegins();
                backedUp = AdminRun.of(sourceUrl, "backup", backup.toString());
                load.backupEnded();
                load.close();
                creates = load.creates();
                cancels = load.cancels();
            }
            assertThat(backedUp.err()).isEmpty();
            assertThat(backedUp.status()).isZero();
            assertThat(backedUp.out())
                    .singleElement()
                    .asString()
                    .startsWith("backed up ")
                    .contains(" to " + backup + ": ")
                    .contains(" runs, as of the moment the backup began");

            Http sourceApi = new Http(source.baseUri(), KEY_A);
            for (CreateCancelLoad.Ack late : createdAfterBackupEnded(creates)) {
                assertThat(sourceApi.get(RUNS + "/" + late.runId()).status())
                        .as("run %s, created after the backup, is in the live database", late.runId())
                        .isEqualTo(200);
            }
        }

        AdminRun restored = AdminRun.of("jdbc:sqlite:" + restoredDb, "restore", backup.toString());
        assertThat(restored.err()).isEmpty();
        assertThat(restored.status()).isZero();
        assertThat(restored.out()).containsExactly(restored.out().get(0), "there was no database there before");
        assertThat(restored.out().get(0)).startsWith("restored " + backup + " into " + restoredDb + ": ");

        try (TestServer fresh =
                TestServer.start(TestServer.embeddedConfig(0).withDb("jdbc:sqlite:" + restoredDb, null, null))) {
            Http api = new Http(fresh.baseUri(), KEY_A);
            CreateCancelLoad.assertServesTheSnapshot(api, creates, cancels, createdAfterBackupEnded(creates));
        }
    }

    @Test
    void a_restore_keeps_the_database_it_replaces_beside_it() throws Exception {
        Path backup = dir.resolve("backup-of-a.db");
        Run inA;
        ServerConfig aConfig = TestServer.embeddedConfig(0);
        try (TestServer a = TestServer.start(aConfig)) {
            inA = a.fixtures().runIn(TENANT_A, LifecycleStatus.CANCELLED);
            assertThat(AdminRun.of(aConfig.dbUrl(), "backup", backup.toString()).status())
                    .isZero();
        }
        String bUrl = TestServer.embeddedConfig(0).dbUrl();
        Run inB;
        try (TestServer b = TestServer.start(TestServer.embeddedConfig(0).withDb(bUrl, null, null))) {
            inB = b.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
        }
        Path bDb = Path.of(bUrl.substring("jdbc:sqlite:".length()));

        AdminRun restored = AdminRun.of(bUrl, "restore", backup.toString());

        assertThat(restored.status()).isZero();
        Path aside;
        try (Stream<Path> files = Files.list(bDb.getParent())) {
            aside = files.filter(f -> f.getFileName().toString().matches("exprun\\.db\\.before-restore-\\d{8}T\\d{6}Z"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no exprun.db.before-restore-* in " + bDb));
        }
        assertThat(restored.out().get(1)).startsWith("the database it replaced is kept as " + aside);
        try (TestServer restoredB =
                TestServer.start(TestServer.embeddedConfig(0).withDb(bUrl, null, null))) {
            Http api = new Http(restoredB.baseUri(), KEY_A);
            assertThat(api.get(RUNS + "/" + inA.id()).lifecycleStatus()).isEqualTo("cancelled");
            assertThat(api.get(RUNS + "/" + inB.id()).status()).isEqualTo(404);
        }
        // the replaced database is whole: served from where it was kept, it still has its own run
        try (TestServer previous =
                TestServer.start(TestServer.embeddedConfig(0).withDb("jdbc:sqlite:" + aside, null, null))) {
            assertThat(new Http(previous.baseUri(), KEY_A)
                            .get(RUNS + "/" + inB.id())
                            .status())
                    .isEqualTo(200);
        }
    }

    private static List<CreateCancelLoad.Ack> createdAfterBackupEnded(List<CreateCancelLoad.Ack> creates) {
        return creates.stream()
                .filter(CreateCancelLoad.Ack::sentAfterBackupEnded)
                .toList();
    }
}
