package io.exprun.server.domain.port;

import java.time.Duration;
import java.time.Instant;

/**
 * The port the retention sweeper deletes through. Each call is one short transaction that deletes at most
 * {@code limit} rows of its kind, oldest first; the caller repeats it while a batch comes back full. When several
 * instances share the database only one sweeps at a time: the others' calls delete nothing and say so
 * ({@link Batch#skipped()}).
 */
public interface RetentionStore {

    /** What one batch deleted, and how long its statements ran ({@code took}: what sizes the next batch). */
    record Batch(int runs, int results, int idempotencyKeys, boolean skipped, Duration took) {

        /** Another instance was sweeping: nothing was deleted by this call. */
        public static final Batch SKIPPED = new Batch(0, 0, 0, true);

        public Batch(int runs, int results, int idempotencyKeys, boolean skipped) {
            this(runs, results, idempotencyKeys, skipped, Duration.ZERO);
        }

        public Batch plus(Batch other) {
            return new Batch(
                    runs + other.runs,
                    results + other.results,
                    idempotencyKeys + other.idempotencyKeys,
                    skipped || other.skipped,
                    took.plus(other.took));
        }

        /** What was deleted, without the time it took (to compare batches by their rows). */
        public Batch counts() {
            return new Batch(runs, results, idempotencyKeys, skipped);
        }
    }

    /**
     * Deletes up to {@code limit} terminal runs that completed before {@code completedBefore}, oldest first, with all
     * their results. A run that is not terminal is never deleted, whatever its times say, and neither is a run an
     * idempotency key still names (a replay of that key must find the run, not create it again).
     */
    Batch deleteExpiredRuns(Instant completedBefore, int limit);

    /** Deletes up to {@code limit} idempotency keys claimed before {@code claimedBefore}, oldest first. */
    Batch deleteExpiredIdempotencyKeys(Instant claimedBefore, int limit);

    /**
     * True when every batch waits its turn in one queue with the service's own writes and is committed with them (the
     * embedded database's one writer): the queue interleaves them already, so the sweeper need not pause between
     * batches. False when batches run beside the other writes (PostgreSQL): the sweeper paces itself.
     */
    boolean batchesQueueWithWrites();

    /**
     * Gives up to {@code maxPages} free pages of the database file back to the disk where the file should shrink
     * (more of it free than new rows will soon need); returns how many. 0 where the database manages its own space.
     */
    int releaseFreeSpace(int maxPages);
}
