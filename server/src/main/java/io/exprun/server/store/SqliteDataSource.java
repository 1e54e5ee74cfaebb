package io.exprun.server.store;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;
import org.sqlite.Function;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * Connections to the embedded SQLite file, each set up the same way whatever the URL says:
 * <ul>
 * <li>WAL journal with {@code synchronous=FULL}: a commit is on disk (WAL fsynced) before it returns, so a create or
 * cancel answered 2xx survives kill -9 and power loss; readers never wait for the writer;</li>
 * <li>write transactions begin IMMEDIATE: they take the write lock first, so two transactions that read and then
 * write can never deadlock on upgrading their locks (SQLite would fail one with SQLITE_BUSY at once); writers queue
 * for up to {@link #BUSY_TIMEOUT_MS} instead, polling every {@link #BUSY_POLL_NANOS} ns ({@link ShortWaits}):
 * SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries, so a writer that found the lock taken
 * for 2 ms by another (the retention sweeper, a worker) slept 30–60 ms, which set the p99 of creates and cancels
 * while a sweep ran (BENCHMARKS.md, "Retention");</li>
 * <li>foreign keys enforced, as PostgreSQL does;</li>
 * <li>the function the common SQL uses and SQLite lacks, registered on the connection: two-argument
 * {@code greatest}, as PostgreSQL's.</li>
 * </ul>
 * The WAL is checkpointed back into the main file by SQLite itself every 1,000 pages (its default) and truncated to
 * {@link #WAL_LIMIT_BYTES} afterwards, so the files on disk follow the data (BENCHMARKS.md, "Embedded engine"). (A
 * checkpoint on a background thread instead, with {@code wal_autocheckpoint=0}, was tried: under 16 writers its
 * PASSIVE checkpoints never let the WAL start over, and it grew to 3.4 GB for 30,000 runs.)
 */
final class SqliteDataSource extends SQLiteDataSource {

    static final int BUSY_TIMEOUT_MS = 10_000;
    static final long BUSY_POLL_NANOS = 100_000;
    /** How often (in virtual-machine steps, each well under a microsecond) a statement checks its deadline. */
    static final int PROGRESS_STEPS = 10_000;
    /** sqlite3_value_type's code for NULL. */
    private static final int SQLITE_NULL = 5;

    private static final int WAL_LIMIT_BYTES = 16 * 1024 * 1024;

    SqliteDataSource(String jdbcUrl) {
        super(config());
        setUrl(jdbcUrl);
    }

    private static SQLiteConfig config() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setJournalSizeLimit(WAL_LIMIT_BYTES);
        return config;
    }

    /** Every connection comes through here ({@code getConnection()} included). */
    @Override
    public SQLiteConnection getConnection(String user, String password) throws SQLException {
        return withFunctions(super.getConnection(user, password));
    }

    private static SQLiteConnection withFunctions(SQLiteConnection c) throws SQLException {
        try {
            Function.create(
                    c,
                    "greatest",
                    new Function() {
                        @Override
                        protected void xFunc() throws SQLException {
                            // as PostgreSQL's GREATEST: NULLs are ignored, NULL only when both are
                            boolean firstNull = value_type(0) == SQLITE_NULL;
                            boolean secondNull = value_type(1) == SQLITE_NULL;
                            if (firstNull && secondNull) {
                                result();
                            } else if (firstNull || secondNull) {
                                result(firstNull ? value_long(1) : value_long(0));
                            } else {
                                result(Math.max(value_long(0), value_long(1)));
                            }
                        }
                    },
                    2,
                    Function.FLAG_DETERMINISTIC);
            BusyHandler.setHandler(c, new ShortWaits());
            ProgressHandler.setHandler(c, PROGRESS_STEPS, new StopsAtTheDeadline());
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Waits for SQLite's write lock in short polls, up to {@link #BUSY_TIMEOUT_MS} or the call's deadline
     * ({@link StatementDeadline}), then lets the statement fail with
     * SQLITE_BUSY (a 503 to the caller). Called by SQLite on the thread that is using the connection.
     */
    private static final class ShortWaits extends BusyHandler {
        private long waitingSince;

        @Override
        protected int callback(int triesSoFar) {
            long now = System.nanoTime();
            if (StatementDeadline.passed()) {
                return 0;
            }
            if (triesSoFar == 0) {
                waitingSince = now;
            } else if (now - waitingSince > TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS)) {
                return 0;
            }
            LockSupport.parkNanos(BUSY_POLL_NANOS);
            return 1;
        }
    }

    /**
     * Interrupts a statement (SQLITE_INTERRUPT) once its call's deadline has passed. SQLite asks every
     * {@link #PROGRESS_STEPS} virtual-machine steps, on the thread running the statement.
     */
    private static final class StopsAtTheDeadline extends ProgressHandler {
        @Override
        protected int progress() {
            return StatementDeadline.passed() ? 1 : 0;
        }
    }
}
