package io.exprun.server.store;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;
import java.util.Set;

/**
 * HikariCP evicts a pooled connection after a connection-class error (SQLSTATE 08…), but H2 reports a database it
 * has closed (after a full disk or an I/O error) with its own codes, so its dead connections would be handed out
 * forever and every call would fail until a restart. Evicting them makes the pool open new connections, which
 * reopen the database once the disk has room again.
 */
public final class EvictClosedH2Connections implements SQLExceptionOverride {

    private static final Set<Integer> DATABASE_GONE = Set.of(
            90098, // the database has been closed
            90121, // database called at shutdown
            90028, // I/O exception
            90100, // file write failed (disk full)
            90067, // connection is broken
            90108); // out of memory

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return DATABASE_GONE.contains(e.getErrorCode()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
