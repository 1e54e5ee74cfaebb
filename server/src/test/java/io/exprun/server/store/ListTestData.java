package io.exprun.server.store;

import io.exprun.server.domain.LifecycleStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The rows the list tests read: two tenants' runs with every filter matching a share of them (pending, queued and
 * running few, completed most), three runs per creation time so that cursors meet ties, and one run with many
 * results beside runs with a few. Inserted with plain JDBC batches; what each run is follows from its number.
 */
final class ListTestData {

    static final String A = "tenant-a";
    static final String B = "tenant-b";
    static final int RUNS_OF_A = 15_000;
    static final int RUNS_OF_B = 5_000;
    static final long START =
            LocalDate.of(2026, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    /** The run whose results are listed; every other run of tenant A has {@link #RESULTS_PER_RUN}. */
    static final String RUN_WITH_RESULTS = runId(A, 42);

    static final int RESULTS_OF_RUN = 3_000;
    static final int RESULTS_PER_RUN = 2;

    private ListTestData() {}

    static void insert(Connection c) throws SQLException {
        insertRuns(c, A, RUNS_OF_A);
        insertRuns(c, B, RUNS_OF_B);
        insertResults(c);
    }

    static long createdAt(int i) {
        return START + (i / 3) * 60_000L;
    }

    static String runId(String tenant, int i) {
        return String.format("run-%s-%05d", tenant, i);
    }

    static String resultId(int seq) {
        return String.format("res-%05d", seq);
    }

    private static void insertRuns(Connection c, String tenant, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (id, tenant, experiment_id, workflow_id,"
                + " workflow_version_id, block_id, block_type, n_consensus, trigger_type, status, created_at,"
                + " block_execution_fingerprint, documents_fingerprint, document_count)"
                + " VALUES (?, ?, ?, ?, 'wfv', ?, 'extract', 1, ?, ?, ?, 'bf', 'df', 5)")) {
            for (int i = 0; i < count; i++) {
                ps.setString(1, runId(tenant, i));
                ps.setString(2, tenant);
                ps.setString(3, "exp-" + i % 40);
                ps.setString(4, "wf-" + i % 4);
                ps.setString(5, "block-" + i % 8);
                if (i % 5 == 0) {
                    ps.setNull(6, Types.VARCHAR);
                } else {
                    ps.setString(6, i % 5 == 1 ? "schedule" : "manual");
                }
                ps.setString(7, status(i).wire());
                ps.setLong(8, createdAt(i));
                ps.addBatch();
                if (i % 1_000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    static LifecycleStatus status(int i) {
        return switch (i % 50) {
            case 0 -> LifecycleStatus.PENDING;
            case 1 -> LifecycleStatus.QUEUED;
            case 2 -> LifecycleStatus.RUNNING;
            default ->
                i % 10 == 3
                        ? LifecycleStatus.ERROR
                        : i % 10 == 4 ? LifecycleStatus.CANCELLED : LifecycleStatus.COMPLETED;
        };
    }

    private static void insertResults(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO results (id, tenant, run_id, seq, experiment_id,"
                        + " document_id, block_type, status, created_at) VALUES (?, ?, ?, ?, 'exp-2', 'doc', 'extract', ?, ?)")) {
            int rows = 0;
            for (int run = 0; run < RUNS_OF_A; run++) {
                String runId = runId(A, run);
                int count = runId.equals(RUN_WITH_RESULTS) ? RESULTS_OF_RUN : RESULTS_PER_RUN;
                for (int seq = 0; seq < count; seq++) {
                    ps.setString(1, runId.equals(RUN_WITH_RESULTS) ? resultId(seq) : "res-" + runId + "-" + seq);
                    ps.setString(2, A);
                    ps.setString(3, runId);
                    ps.setInt(4, seq);
                    ps.setString(5, seq < count / 3 ? "completed" : "pending");
                    ps.setLong(6, START);
                    ps.addBatch();
                    if (++rows % 1_000 == 0) {
                        ps.executeBatch();
                    }
                }
            }
            ps.executeBatch();
        }
    }
}
