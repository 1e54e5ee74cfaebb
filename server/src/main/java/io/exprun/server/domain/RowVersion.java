package io.exprun.server.domain;

/**
 * Runs, results and experiments carry their row's version (migration V8): the database increments it whenever what
 * the row's answer shows changes, and the API's ETags are made of it, never of the answer's bytes.
 */
public final class RowVersion {

    /** The version of a row just inserted (the column's default). */
    public static final long FIRST = 1;

    private RowVersion() {}
}
