package io.exprun.server.store;

import org.sqlite.Function;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.sql.SQLException;

/**
 * Connections to the embedded SQLite file, each set up the same way whatever the URL says:
 * <ul>
 * <li>WAL journal with {@code synchronous=FULL}: a commit is on disk (WAL fsynced) before it returns, so a create or
 * cancel answered 2xx survives kill -9 and power loss; readers never wait for the writer;</li>
 * <li>write transactions begin IMMEDIATE: they take the write lock first, so two transactions that read and then
 * write can never deadlock on upgrading their locks (SQLite would fail one with SQLITE_BUSY at once); writers queue
 * for up to {@link #BUSY_TIMEOUT_MS} instead;</li>
 * <li>foreign keys enforced, as PostgreSQL does;</li>
 * <li>the two functions the common SQL uses and SQLite lacks, registered on the connection: {@code exprun_now_ms()}
 * (the clock of every transition time, migration V2 on PostgreSQL) and two-argument {@code greatest}.</li>
 * </ul>
 * The WAL is checkpointed back into the main file by SQLite itself every 1,000 pages (its default) and truncated to
 * {@link #WAL_LIMIT_BYTES} afterwards, so the files on disk follow the data (BENCHMARKS.md, "Embedded engine").
 */
final class SqliteDataSource extends SQLiteDataSource {

    static final int BUSY_TIMEOUT_MS = 10_000;
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
            Function.create(c, "exprun_now_ms", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    result(System.currentTimeMillis());
                }
            }, 0, 0);
            Function.create(c, "greatest", new Function() {
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
            }, 2, Function.FLAG_DETERMINISTIC);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
