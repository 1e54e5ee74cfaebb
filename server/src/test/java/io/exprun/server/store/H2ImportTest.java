package io.exprun.server.store;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory of exprun 0.1 (H2, {@code exprun.mv.db}) is imported into SQLite at the first start: every run,
 * result and idempotency key is served afterwards; an import that fails leaves nothing half-made behind.
 */
class H2ImportTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @TempDir
    Path data;

    /** What exprun 0.1 left: its schema (the common migrations and H2's clock alias) and a cancelled run. */
    private void writeAnExprun01Database() throws Exception {
        String url = "jdbc:h2:file:" + data.resolve("exprun") + ";DB_CLOSE_ON_EXIT=FALSE";
        Flyway.configure()
                .dataSource(url, "", "")
                .locations("classpath:db/migration", "classpath:db/h2-0.1")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO runs (id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, "
                    + "block_type, n_consensus, status, cancel_reason, created_at, started_at, completed_at, "
                    + "block_execution_fingerprint, documents_fingerprint, document_count, completed_document_count) "
                    + "VALUES ('exprun_old1', '" + TENANT_A + "', 'exp_demo', 'wf_demo', 'wfv_1', 'blk_1', 'extract', "
                    + "3, 'cancelled', 'stopped by a user of 0.1', 1700000000000, 1700000001000, 1700000002000, "
                    + "'fp', 'dfp', 2, 1)");
            s.execute("INSERT INTO results (id, tenant, run_id, seq, experiment_id, document_id, document_filename, "
                    + "document_mime_type, block_type, status, created_at, started_at, completed_at) VALUES "
                    + "('res_old1', '" + TENANT_A + "', 'exprun_old1', 0, 'exp_demo', 'doc_1', 'a.pdf', "
                    + "'application/pdf', 'extract', 'completed', 1700000000000, 1700000001000, 1700000001500), "
                    + "('res_old2', '" + TENANT_A + "', 'exprun_old1', 1, 'exp_demo', 'doc_2', 'b.pdf', "
                    + "'application/pdf', 'extract', 'running', 1700000000000, 1700000001600, NULL)");
            s.execute("INSERT INTO idempotency_keys VALUES ('" + TENANT_A + "', 'key-1', 'f1', 'exprun_old1', "
                    + "1700000000000)");
            s.execute("SHUTDOWN");
        }
    }

    private ServerConfig onThisDirectory() {
        return TestServer.embeddedConfig(0).withDb("jdbc:sqlite:" + data.resolve("exprun.db"), null, null);
    }

    @Test
    void the_first_start_imports_every_row_and_keeps_the_h2_file_aside() throws Exception {
        writeAnExprun01Database();

        try (TestServer server = TestServer.start(onThisDirectory())) {
            Http api = new Http(server.baseUri(), KEY_A);
            Http.Answer run = api.get(RUNS + "/exprun_old1");
            Http.Answer results = api.get("/v1/workflows/experiments/results?run_id=exprun_old1&order=asc");

            assertThat(run.status()).isEqualTo(200);
            assertThat(run.lifecycleStatus()).isEqualTo("cancelled");
            assertThat(run.json().at("/lifecycle/reason").asText()).isEqualTo("stopped by a user of 0.1");
            assertThat(results.json().get("data")).hasSize(2);
            // the derived-cancel rule holds for imported rows too: unfinished results of a cancelled run read cancelled
            assertThat(results.json().at("/data/1/lifecycle/status").asText()).isEqualTo("cancelled");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("exprun.db"));
                ResultSet rs = c.createStatement().executeQuery("SELECT run_id FROM idempotency_keys")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("exprun_old1");
        }
        assertThat(data.resolve("exprun.mv.db")).doesNotExist();
        assertThat(data.resolve("exprun.mv.db.imported")).exists();
        assertThat(data.resolve("exprun.db.importing")).doesNotExist();
    }

    @Test
    void an_import_that_fails_leaves_no_database_behind_and_the_h2_file_untouched() throws Exception {
        Files.write(
                data.resolve("exprun.mv.db"),
                "not an H2 file at all".repeat(500).getBytes());

        assertThatThrownBy(() -> TestServer.start(onThisDirectory())).hasMessageContaining("exprun 0.1's H2 database");

        assertThat(data.resolve("exprun.db")).as("the next start tries again").doesNotExist();
        assertThat(data.resolve("exprun.mv.db")).exists();
    }
}
