package io.exprun.server.store;

import java.sql.SQLException;

/** A database failure: never the caller's fault, so it surfaces as a 5xx without details. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
