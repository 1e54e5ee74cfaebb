package io.exprun.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * A database failure: never the caller's fault, so it surfaces as a 5xx without details. {@link #unavailable()} tells
 * the two kinds apart: the database is out of reach, overloaded or shutting down (worth retrying: 503), or the
 * statement itself failed (a bug or a broken schema: retrying will not help, 500).
 */
public final class StoreException extends RuntimeException {

    /**
     * SQLSTATE classes that mean "not now" rather than "never": 08 connection exception, 40 transaction rollback
     * (serialization failure, deadlock), 53 insufficient resources, 57 operator intervention (shutdown, cancel),
     * 58 system error (I/O), HY timeouts. H2 reports a closed or unwritable database with its own codes.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
    private static final Set<Integer> H2_UNAVAILABLE = Set.of(
            90098, // the database has been closed
            90121, // database called at shutdown
            90028, // I/O exception
            90100, // file write failed (disk full)
            50200, // lock timeout
            90108); // out of memory

    private final boolean unavailable;

    public StoreException(SQLException cause) {
        this(cause, isTransient(cause));
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

    /** The statement broke a unique or primary key (SQLSTATE 23505 on H2 and PostgreSQL). */
    public boolean duplicateKey() {
        return getCause() instanceof SQLException s && isDuplicateKey(s);
    }

    static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private static boolean isTransient(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s instanceof SQLTransientException || s instanceof SQLNonTransientConnectionException
                    || s instanceof SQLRecoverableException) {
                return true;
            }
            String state = s.getSQLState();
            if (state != null && (state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2))
                    || state.startsWith("HYT"))) {
                return true;
            }
            if (s.getClass().getName().startsWith("org.h2.") && H2_UNAVAILABLE.contains(s.getErrorCode())) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }
}
