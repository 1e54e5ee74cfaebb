package io.exprun.server.domain.port;

import java.time.Instant;

/**
 * The port the retention sweeper deletes through. Each call is one short transaction that deletes at most
 * {@code limit} rows of its kind, oldest first; the caller repeats it while a batch comes back full. When several
 * instances share the database only one sweeps at a time: the others' calls delete nothing and say so
 * ({@link Batch#skipped()}).
 */
public interface RetentionStore {

    /** What one batch deleted. */
    record Batch(int runs, int results, int idempotencyKeys, boolean skipped) {

        /** Another instance was sweeping: nothing was deleted by this call. */
        public static final Batch SKIPPED = new Batch(0, 0, 0, true);

        public Batch plus(Batch other) {
            return new Batch(
                    runs + other.runs,
                    results + other.results,
                    idempotencyKeys + other.idempotencyKeys,
                    skipped || other.skipped);
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
}
