package io.exprun.server.store;

import java.time.Duration;

/**
 * When the database call running on this thread must stop (EXPRUN_STATEMENT_TIMEOUT_MS). {@link SqlRunner} sets it
 * around each call; SQLite's progress and busy handlers ({@link SqliteDataSource}), which SQLite calls on the thread
 * running the statement, read it and stop the statement once it has passed. (sqlite-jdbc's own
 * {@code Statement#setQueryTimeout} only sets the busy timeout, and in doing so replaces the busy handler.)
 */
final class StatementDeadline {

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private StatementDeadline() {}

    /** Starts a call that may run for {@code timeout}; returns what {@link #leave} restores (an outer call's). */
    static Long enter(Duration timeout) {
        Long outer = DEADLINE.get();
        long mine = System.nanoTime() + timeout.toNanos();
        DEADLINE.set(outer != null && outer - mine < 0 ? outer : mine);
        return outer;
    }

    static void leave(Long outer) {
        if (outer == null) {
            DEADLINE.remove();
        } else {
            DEADLINE.set(outer);
        }
    }

    /** True once the deadline of the call running on this thread has passed; false outside a call. */
    static boolean passed() {
        Long deadline = DEADLINE.get();
        return deadline != null && System.nanoTime() - deadline > 0;
    }
}
