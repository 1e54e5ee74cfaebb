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
        return enterUntil(deadlineOf(timeout));
    }

    /**
     * When a call that may run for {@code timeout}, starting now on this thread, must stop ({@link System#nanoTime()}
     * time): the outer call's deadline if that comes first. A write handed to {@link SqliteWriter} carries it to the
     * writer's thread.
     */
    static long deadlineOf(Duration timeout) {
        Long outer = DEADLINE.get();
        long mine = System.nanoTime() + timeout.toNanos();
        return outer != null && outer - mine < 0 ? outer : mine;
    }

    /** Starts a call that must stop at {@code deadline} (nanoTime); returns what {@link #leave} restores. */
    static Long enterUntil(long deadline) {
        Long outer = DEADLINE.get();
        DEADLINE.set(deadline);
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
