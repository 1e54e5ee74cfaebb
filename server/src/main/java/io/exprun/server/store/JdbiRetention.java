package io.exprun.server.store;

import static io.exprun.server.store.Rows.TERMINAL;

import io.exprun.server.config.Dialect;
import io.exprun.server.domain.port.RetentionStore;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * {@link RetentionStore} over JDBC. Each batch is one transaction of two or three statements, each driven by the ids
 * an {@code ORDER BY … LIMIT ?} subquery selects: SQL that SQLite and PostgreSQL both run unchanged (no
 * {@code DELETE … LIMIT}, no {@code USING}). Deleting only terminal rows means the sweeper never touches a row that
 * a cancel or a worker writes, so it never makes them wait.
 *
 * <p>On PostgreSQL several instances share the tables: each batch first takes a transaction-scoped advisory lock
 * and, when another instance holds it, deletes nothing and reports {@link RetentionStore.Batch#SKIPPED}; commit or
 * rollback releases it. On the embedded SQLite one process owns the database file, so there is no one to exclude (and
 * were two instances told to share one file, their batches would still be correct: SQLite has one writer at a time,
 * every condition is checked again on the row being deleted, and a run goes only once its results are gone).
 */
public final class JdbiRetention implements RetentionStore {

    /** The advisory lock's key: any constant no other code in the database uses ("exprunRT" in ASCII). */
    public static final long SWEEP_LOCK = 0x65787072756E5254L;

    /**
     * The oldest expired runs, by completion: terminal, and named by no idempotency key (a live key's replay must
     * find its run; an expired key is deleted first, by the same sweeper).
     */
    private static final String EXPIRED_RUNS = "SELECT e.id FROM runs e WHERE e.status IN " + TERMINAL
            + " AND e.completed_at < ? AND NOT EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.run_id = e.id)"
            + " ORDER BY e.completed_at, e.id LIMIT ?";

    static final String DELETE_RESULTS = "DELETE FROM results WHERE run_id IN (" + EXPIRED_RUNS + ")";

    /**
     * The same ids, with the run's own conditions checked again on the row being deleted, so nothing that changed
     * since the select (a run is never active again, but this is where that is enforced) is deleted. A run whose
     * results are not all gone stays for the next batch: the results' foreign key can never fail the batch.
     */
    static final String DELETE_RUNS = "DELETE FROM runs WHERE id IN (" + EXPIRED_RUNS + ")"
            + " AND status IN " + TERMINAL + " AND completed_at < ?"
            + " AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.id)";

    /** The oldest expired claims; the outer condition spares a key claimed again since the select. */
    static final String DELETE_KEYS = deleteKeys("idempotency_keys");

    /** The same for the keys of experiment creates (V7). */
    static final String DELETE_EXPERIMENT_KEYS = deleteKeys("experiment_idempotency_keys");

    private static String deleteKeys(String table) {
        return "DELETE FROM " + table + " WHERE created_at < ? AND (tenant, idem_key) IN"
                + " (SELECT o.tenant, o.idem_key FROM " + table + " o WHERE o.created_at < ?"
                + " ORDER BY o.created_at, o.tenant, o.idem_key LIMIT ?)";
    }

    private final SqlRunner sql;

    /** On PostgreSQL, batches exclude each other across instances (see the class comment). */
    public JdbiRetention(SqlRunner sql) {
        this.sql = sql;
    }

    @Override
    public Batch deleteExpiredRuns(Instant completedBefore, int limit) {
        long before = completedBefore.toEpochMilli();
        return sql.write(h -> {
            if (!sweepLock(h)) {
                return Batch.SKIPPED;
            }
            int results = h.createUpdate(DELETE_RESULTS)
                    .bind(0, before)
                    .bind(1, limit)
                    .execute();
            int runs = h.createUpdate(DELETE_RUNS)
                    .bind(0, before)
                    .bind(1, limit)
                    .bind(2, before)
                    .execute();
            return new Batch(runs, results, 0, false);
        });
    }

    @Override
    public Batch deleteExpiredIdempotencyKeys(Instant claimedBefore, int limit) {
        long before = claimedBefore.toEpochMilli();
        return sql.write(h -> {
            if (!sweepLock(h)) {
                return Batch.SKIPPED;
            }
            return new Batch(
                    0,
                    0,
                    deleteKeys(h, DELETE_KEYS, before, limit) + deleteKeys(h, DELETE_EXPERIMENT_KEYS, before, limit),
                    false);
        });
    }

    private static int deleteKeys(Handle h, String statement, long before, int limit) {
        return h.createUpdate(statement)
                .bind(0, before)
                .bind(1, before)
                .bind(2, limit)
                .execute();
    }

    /** True when this transaction may sweep: always on SQLite, on PostgreSQL when no other instance's batch is under way. */
    private boolean sweepLock(Handle h) {
        if (sql.dialect() != Dialect.POSTGRESQL) {
            return true;
        }
        return h.createQuery("SELECT pg_try_advisory_xact_lock(:key)")
                .bind("key", SWEEP_LOCK)
                .mapTo(Boolean.class)
                .one();
    }
}
