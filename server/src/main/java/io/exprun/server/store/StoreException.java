package io.exprun.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.sqlite.SQLiteException;

/**
 * A database failure: never the caller's fault, so it surfaces as a 5xx without details. {@link #unavailable()} tells
 * the two kinds apart: the database is out of reach, overloaded or shutting down (worth retrying: 503), or the
 * statement itself failed (a bug or a broken schema: retrying will not help, 500).
 */
public final class StoreException extends RuntimeException {

    /**
     * SQLSTATE classes that mean "not now" rather than "never": 08 connection exception, 40 transaction rollback
     * (serialization failure, deadlock), 53 insufficient resources, 57 operator intervention (shutdown, cancel),
     * 58 system error (I/O), HY timeouts. SQLite has no SQLSTATEs: its primary result codes say the same.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");

    /**
     * Storage that cannot take a write: SQLite's SQLITE_READONLY, SQLITE_IOERR and SQLITE_FULL (and the commit SQLite
     * answers after rolling back by itself), PostgreSQL's 53100 disk_full, 25006 read_only_sql_transaction and
     * 58030 io_error. Readiness reports these as "writes failing" ({@link DatabaseHealth}).
     */
    private static final Set<Integer> SQLITE_CANNOT_WRITE = Set.of(8, 10, 13);

    private static final Set<String> POSTGRES_CANNOT_WRITE = Set.of("53100", "25006", "58030");

    private static final Set<Integer> SQLITE_UNAVAILABLE = Set.of(
            5, // SQLITE_BUSY: the writer's lock was not had within the busy timeout
            6, // SQLITE_LOCKED
            7, // SQLITE_NOMEM
            8, // SQLITE_READONLY
            9, // SQLITE_INTERRUPT: stopped by its deadline (EXPRUN_STATEMENT_TIMEOUT_MS, see StatementDeadline): the
            // file or its directory became read-only
            10, // SQLITE_IOERR
            13, // SQLITE_FULL: the disk is full (the transaction is rolled back, the database stays intact)
            14); // SQLITE_CANTOPEN
    /**
     * What SQLite says to a COMMIT (or ROLLBACK) when it has already rolled the transaction back by itself, which it
     * does after SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY and SQLITE_NOMEM (https://sqlite.org/lang_transaction.html,
     * "Response To Errors Within A Transaction"): on a full disk the commit of a create reports only this, with
     * SQLITE_ERROR, so it is read as what caused it.
     */
    private static final String SQLITE_ROLLED_BACK_ITSELF = "no transaction is active";
    /** SQLite's primary result code of a broken constraint; SQLITE_CONSTRAINT_PRIMARYKEY and _UNIQUE extend it. */
    private static final int SQLITE_CONSTRAINT = 19;

    private static final Set<Integer> SQLITE_DUPLICATE_KEY = Set.of(1555, 2067);

    private final boolean unavailable;

    public StoreException(SQLException cause) {
        this(cause, isTransient(cause) || cannotWrite(cause));
    }

    private StoreException(SQLException cause, boolean unavailable) {
        super(cause.getMessage(), cause);
        this.unavailable = unavailable;
    }

    /** No connection could be had (pool closed or exhausted, database unreachable): unavailable whatever the code. */
    public static StoreException unavailable(SQLException cause) {
        return new StoreException(cause, true);
    }

    public boolean unavailable() {
        return unavailable;
    }

    /** The storage refused to take a write (full, read-only, failing I/O): not the statement's fault. */
    public boolean cannotWrite() {
        return getCause() instanceof SQLException s && cannotWrite(s);
    }

    private static boolean cannotWrite(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLiteException lite
                    ? SQLITE_CANNOT_WRITE.contains(lite.getResultCode().code & 0xff)
                            || String.valueOf(lite.getMessage()).contains(SQLITE_ROLLED_BACK_ITSELF)
                    : s.getSQLState() != null && POSTGRES_CANNOT_WRITE.contains(s.getSQLState())) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }

    /** The statement broke a unique or primary key (SQLSTATE 23505 on PostgreSQL, an extended result code on SQLite). */
    public boolean duplicateKey() {
        return getCause() instanceof SQLException s && isDuplicateKey(s);
    }

    static boolean isDuplicateKey(SQLException e) {
        if (e instanceof SQLiteException lite) {
            int code = lite.getResultCode().code;
            return (code & 0xff) == SQLITE_CONSTRAINT && SQLITE_DUPLICATE_KEY.contains(code);
        }
        return "23505".equals(e.getSQLState());
    }

    private static boolean isTransient(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLTransientException
                    || s instanceof SQLNonTransientConnectionException
                    || s instanceof SQLRecoverableException) {
                return true;
            }
            String state = s.getSQLState();
            if (state != null
                    && (state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2))
                            || state.startsWith("HYT"))) {
                return true;
            }
            if (s instanceof SQLiteException lite
                    && (SQLITE_UNAVAILABLE.contains(lite.getResultCode().code & 0xff)
                            || String.valueOf(lite.getMessage()).contains(SQLITE_ROLLED_BACK_ITSELF))) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }
}
