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
 * <li>write transactions begin IMMEDIATE (they take the write lock first, so a transaction that reads and then writes
 * never fails on upgrading its lock). In the server only {@link SqliteWriter}'s one connection writes ({@link
 * Role#WRITER}), so nothing in the process waits for the lock; the readers ({@link Role#READER}) are
 * {@code query_only}, so a write sent to them by mistake fails at once instead of competing with the writer. A
 * connection that does find the lock taken (another process on a shared file, a checkpoint waiting for readers)
 * waits in short polls up to {@link #BUSY_TIMEOUT_MS} or its call's deadline ({@link ShortWaits});</li>
 * <li>foreign keys enforced, as PostgreSQL does;</li>
 * <li>the function the common SQL uses and SQLite lacks, registered on the connection: two-argument
 * {@code greatest}, as PostgreSQL's.</li>
 * </ul>
 * The writer checkpoints the WAL itself ({@link WalUpkeep}: {@code wal_autocheckpoint=0} on its connection); other
 * writing connections ({@link Role#ALONE}: migrations, the H2 import) keep SQLite's own checkpoints every 1,000 pages.
 * After a checkpoint that lets the WAL start over, SQLite truncates its file to {@link #WAL_LIMIT_BYTES}.
 */
final class SqliteDataSource extends SQLiteDataSource {

    static final int BUSY_TIMEOUT_MS = 10_000;
    static final long BUSY_POLL_NANOS = 100_000;
    /** How often (in virtual-machine steps, each well under a microsecond) a statement checks its deadline. */
    static final int PROGRESS_STEPS = 10_000;
    /** sqlite3_value_type's code for NULL. */
    private static final int SQLITE_NULL = 5;

    /** What the WAL file is cut back to when it starts over, about where {@link WalUpkeep} has the writer restart it. */
    static final int WAL_LIMIT_BYTES = 16 * 1024 * 1024;

    /** What a connection is for. */
    enum Role {
        /** {@link SqliteWriter}'s one connection: every write of the server; it checkpoints the WAL itself. */
        WRITER,
        /** The pool's connections: reads only ({@code query_only}). */
        READER,
        /** A connection that writes on its own, outside the server's writer: migrations, the H2 import. */
        ALONE
    }

    private final Role role;

    SqliteDataSource(String jdbcUrl) {
        this(jdbcUrl, Role.ALONE);
    }

    SqliteDataSource(String jdbcUrl, Role role) {
        super(config());
        this.role = role;
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
        return withFunctions(super.getConnection(user, password), role);
    }

    private static SQLiteConnection withFunctions(SQLiteConnection c, Role role) throws SQLException {
        try {
            if (role != Role.ALONE) {
                try (var pragma = c.createStatement()) {
                    pragma.execute(role == Role.READER ? "PRAGMA query_only = 1" : "PRAGMA wal_autocheckpoint = 0");
                }
            }
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
