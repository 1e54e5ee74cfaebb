package io.exprun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How an embedded engine's files grow under exprun's write pattern, with exprun's own schema (migration V1) and
 * durable commits, measured on the engine alone (no server): each run is one transaction (the run and its 5 results,
 * as a create) and every other run is then cancelled in a transaction of its own. Prints the files' size every fifth
 * of the way, after {@code --idle-ms} idle, and after closing. This is how the embedded default was chosen
 * (docs/decisions/embedded-engine-sqlite.md): {@code --engine h2} (H2 2.3, the previous default, with {@code --options} such
 * as {@code ;RETENTION_TIME=0}) against {@code --engine sqlite} (WAL, synchronous=FULL).
 */
@Command(name = "storage-growth", description = "Bytes on disk per run for an embedded engine under create+cancel.")
final class StorageGrowth implements Callable<Integer> {

    @Option(names = "--engine", required = true, description = "h2 or sqlite")
    String engine;

    @Option(names = "--runs", defaultValue = "10000")
    int runs;

    @Option(names = "--options", defaultValue = "", description = "appended to the JDBC URL (H2: ;KEY=VALUE...)")
    String options;

    @Option(names = "--idle-ms", defaultValue = "5000")
    long idleMs;

    @Option(names = "--dir", description = "where the database goes (default: a new temporary directory)")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("storage-growth-");
        boolean h2 = engine.equals("h2");
        String url = h2
                ? "jdbc:h2:file:" + where.resolve("exprun") + ";DB_CLOSE_ON_EXIT=FALSE"
                        + (options.contains("WRITE_DELAY") ? "" : ";WRITE_DELAY=0") + options
                : "jdbc:sqlite:" + where.resolve("exprun.db") + options;
        String schema = new String(StorageGrowth.class
                .getResourceAsStream("/db/migration/V1__runs_and_results.sql")
                .readAllBytes());
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                if (!h2) {
                    s.executeQuery("PRAGMA journal_mode=WAL").close();
                    s.executeUpdate("PRAGMA synchronous=FULL");
                }
                for (String statement : schema.split(";")) {
                    if (!statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                        s.execute(statement);
                    }
                }
            }
            PreparedStatement run = c.prepareStatement("INSERT INTO runs (id, tenant, experiment_id, workflow_id, "
                    + "workflow_version_id, block_id, block_type, n_consensus, status, created_at, "
                    + "block_execution_fingerprint, documents_fingerprint, document_count) "
                    + "VALUES (?, ?, ?, 'wf_demo', 'wfv_1', 'blk_extract', 'extract', 3, 'pending', ?, ?, ?, 5)");
            PreparedStatement result = c.prepareStatement("INSERT INTO results (id, tenant, run_id, seq, "
                    + "experiment_id, document_id, document_filename, document_mime_type, block_type, status, "
                    + "created_at) VALUES (?, ?, ?, ?, 'exp_demo', ?, ?, 'application/pdf', 'extract', 'pending', ?)");
            PreparedStatement cancel = c.prepareStatement("UPDATE runs SET status = 'cancelled', cancel_reason = "
                    + "'Cancelled by user', completed_at = ? WHERE id = ?");
            for (int i = 0; i < runs; i++) {
                String id = "exprun_" + UUID.randomUUID();
                String tenant = i % 2 == 0 ? "tenant_a" : "tenant_b";
                c.setAutoCommit(false);
                run.setString(1, id);
                run.setString(2, tenant);
                run.setString(3, i % 3 == 0 ? "exp_classify" : "exp_demo");
                run.setLong(4, System.currentTimeMillis());
                run.setString(5, "sha256:" + "f".repeat(64));
                run.setString(6, "sha256:" + "d".repeat(64));
                run.executeUpdate();
                for (int seq = 0; seq < 5; seq++) {
                    result.setString(1, "res_" + UUID.randomUUID());
                    result.setString(2, tenant);
                    result.setString(3, id);
                    result.setInt(4, seq);
                    result.setString(5, "doc_" + (seq + 1));
                    result.setString(6, "invoice-00" + (seq + 1) + ".pdf");
                    result.setLong(7, System.currentTimeMillis());
                    result.executeUpdate();
                }
                c.commit();
                c.setAutoCommit(true);
                if (i % 2 == 0) {
                    cancel.setLong(1, System.currentTimeMillis());
                    cancel.setString(2, id);
                    cancel.executeUpdate();
                }
                if ((i + 1) % Math.max(1, runs / 5) == 0) {
                    report((i + 1) + " runs", where, i + 1, started);
                }
            }
            Thread.sleep(idleMs);
            report("after " + idleMs + " ms idle", where, runs, started);
        }
        report("after close", where, runs, started);
        return 0;
    }

    private static void report(String when, Path dir, int runs, long started) throws Exception {
        long bytes;
        try (Stream<Path> files = Files.list(dir)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf(
                Locale.ROOT,
                "%s\t%.1f MB\t%.2f KB/run\t%.0f runs/s%n",
                when,
                bytes / 1e6,
                bytes / 1024.0 / runs,
                runs / ((System.nanoTime() - started) / 1e9));
    }
}
