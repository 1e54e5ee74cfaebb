package io.exprun.server.store;

import static io.exprun.server.store.Rows.TERMINAL;

import io.exprun.server.config.Dialect;
import io.exprun.server.domain.port.RetentionStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link RetentionStore} over JDBC. Each batch is one write: the ids of the oldest expired runs (an
 * {@code ORDER BY … LIMIT ?} on an index), then their results and the runs themselves by those ids, with the runs'
 * conditions checked again on the rows being deleted: SQL that SQLite and PostgreSQL both run unchanged (no
 * {@code DELETE … LIMIT}, no {@code USING}). Deleting only terminal rows means the sweeper never touches a row that a
 * cancel or a worker writes. On SQLite a batch is one write of the one writer ({@link SqliteWriter}), committed with
 * the writes queued beside it, so it delays them only by its own statements (its {@code took}).
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
    static final String EXPIRED_RUNS = "SELECT e.id FROM runs e WHERE e.status IN " + TERMINAL
            + " AND e.completed_at < ? AND NOT EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.run_id = e.id)"
            + " ORDER BY e.completed_at, e.id LIMIT ?";

    /** The runs' own conditions, checked again on the rows being deleted: nothing that changed since is deleted. */
    private static final String STILL_EXPIRED = " AND status IN " + TERMINAL + " AND completed_at < ?";

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
            long start = System.nanoTime();
            if (!sweepLock(h)) {
                return Batch.SKIPPED;
            }
            List<String> ids = h.createQuery(EXPIRED_RUNS)
                    .bind(0, before)
                    .bind(1, limit)
                    .mapTo(String.class)
                    .list();
            if (ids.isEmpty()) {
                return new Batch(0, 0, 0, false, since(start));
            }
            String in = String.join(", ", Collections.nCopies(ids.size(), "?"));
            int results = bound(
                            h.createUpdate("DELETE FROM results WHERE run_id IN (SELECT id FROM runs WHERE id IN (" + in
                                    + ")" + STILL_EXPIRED + ")"),
                            ids,
                            before)
                    .execute();
            // a run whose results are not all gone stays for the next batch: the results' foreign key never fails it
            int runs = bound(
                            h.createUpdate("DELETE FROM runs WHERE id IN (" + in + ")" + STILL_EXPIRED
                                    + " AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.id)"),
                            ids,
                            before)
                    .execute();
            return new Batch(runs, results, 0, false, since(start));
        });
    }

    private static Update bound(Update update, List<String> ids, long before) {
        for (int i = 0; i < ids.size(); i++) {
            update.bind(i, ids.get(i));
        }
        return update.bind(ids.size(), before);
    }

    @Override
    public Batch deleteExpiredIdempotencyKeys(Instant claimedBefore, int limit) {
        long before = claimedBefore.toEpochMilli();
        return sql.write(h -> {
            long start = System.nanoTime();
            if (!sweepLock(h)) {
                return Batch.SKIPPED;
            }
            int keys = deleteKeys(h, DELETE_KEYS, before, limit) + deleteKeys(h, DELETE_EXPERIMENT_KEYS, before, limit);
            return new Batch(0, 0, keys, false, since(start));
        });
    }

    @Override
    public boolean batchesQueueWithWrites() {
        return sql.writesAreGrouped();
    }

    /** On SQLite, {@link IncrementalVacuum#release}; PostgreSQL's autovacuum keeps its own free space. */
    @Override
    public int releaseFreeSpace(int maxPages) {
        if (sql.dialect() != Dialect.SQLITE) {
            return 0;
        }
        return sql.write(h -> {
            try {
                return IncrementalVacuum.release(h, maxPages);
            } catch (SQLException e) {
                throw new StoreException(e);
            }
        });
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
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
