package io.exprun.server.work;

import io.exprun.server.config.DaemonThreads;
import io.exprun.server.config.RetentionPolicy;
import io.exprun.server.domain.RunService;
import io.exprun.server.domain.port.RetentionStore;
import io.exprun.server.domain.port.RetentionStore.Batch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the service no longer promises to keep, on one daemon thread: idempotency keys older than
 * {@link RunService#IDEMPOTENCY_RETENTION} (always), then terminal runs, with their results, that completed longer ago
 * than the run retention (unless it is off). Both go in bounded batches, one short transaction each, repeated while
 * they come back full, each sized from the last one's time ({@link RetentionPolicy#nextBatchSize}); a sweep that
 * deleted something is followed by the next within a second ({@link RetentionPolicy#catchUpInterval}), so runs are
 * deleted about as fast as they expire, and a backlog at the pace the database allows. On SQLite the batches queue
 * with the service's own writes and are committed with them, at most one per commit while the writer is busy and back
 * to back while it is not, so the sweeper needs no pauses; where they run beside the other writes (PostgreSQL) it
 * pauses after each ({@link RetentionPolicy#pauseAfter}). A sweep that deleted runs then gives free space back where
 * the file should shrink ({@link RetentionStore#releaseFreeSpace}), a small step per write. A sweep ends early when
 * another instance is sweeping (the store says so): that one does the work.
 */
public final class RetentionSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** Pages (4 KiB) given back per write, so a shrinking file never holds the writer for long. */
    static final int RELEASE_STEP_PAGES = 128;

    /** How often, at most, the log says what the sweeps deleted. */
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    /** What one sweep deleted, in how many batches; {@code skipped} when another instance held the sweep. */
    public record Sweep(Batch deleted, int batches) {
        public boolean skipped() {
            return deleted.skipped();
        }
    }

    private static final Sweep NOTHING = new Sweep(new Batch(0, 0, 0, false), 0);

    private final RetentionStore store;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final BatchListener deleted;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-retention"));
    private Sweep unlogged = NOTHING; // only the sweeper's thread
    private long loggedAt = System.nanoTime();

    /**
     * Told of every batch that deleted something, with how long its statements ran: on SQLite that is how long every
     * write queued behind it waited (the metrics count and time it).
     */
    @FunctionalInterface
    public interface BatchListener {
        void deleted(Batch batch, Duration took);
    }

    public RetentionSweeper(RetentionStore store, RetentionPolicy policy, Clock clock, BatchListener deleted) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.deleted = deleted;
    }

    public void start() {
        next(policy.sweepInterval());
    }

    private void next(Duration after) {
        try {
            thread.schedule(this::sweepInBackground, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // close(): no more sweeps
        }
    }

    private void sweepInBackground() {
        Duration after = policy.sweepInterval();
        try {
            Sweep sweep = sweepOnce();
            Batch d = sweep.deleted();
            if (d.runs() + d.results() + d.idempotencyKeys() > 0) {
                after = policy.catchUpInterval();
                logNowAndThen(sweep);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close(): stop
            return;
        } catch (RuntimeException e) {
            // the database is down or a batch failed: nothing was half-deleted (one transaction), try next time
            log.warn("retention sweep failed, retrying in {} ms: {}", after.toMillis(), e.toString());
        }
        next(after);
    }

    /** One line a minute at most, however often the sweeps catch up with what expired. */
    private void logNowAndThen(Sweep sweep) {
        unlogged = new Sweep(unlogged.deleted().plus(sweep.deleted()), unlogged.batches() + sweep.batches());
        if (System.nanoTime() - loggedAt < LOG_EVERY.toNanos()) {
            return;
        }
        Batch d = unlogged.deleted();
        log.info(
                "retention: deleted {} run(s) with {} result(s), and {} idempotency key(s), in {} batch(es)",
                d.runs(),
                d.results(),
                d.idempotencyKeys(),
                unlogged.batches());
        unlogged = NOTHING;
        loggedAt = System.nanoTime();
    }

    /**
     * One sweep, now, on the caller's thread: batches until everything expired at its start is gone or another
     * instance turns out to be sweeping, then free space given back. Synchronized: one sweep at a time per sweeper.
     *
     * @throws InterruptedException interrupted during a pause between two batches (what was deleted stays deleted)
     */
    public synchronized Sweep sweepOnce() throws InterruptedException {
        Instant now = clock.instant();
        Sweep keys = drain(
                NOTHING, size -> store.deleteExpiredIdempotencyKeys(now.minus(RunService.IDEMPOTENCY_RETENTION), size));
        if (keys.skipped() || policy.runRetention().isEmpty()) {
            return keys;
        }
        Instant completedBefore = now.minus(policy.runRetention().get());
        Sweep all = drain(keys, size -> store.deleteExpiredRuns(completedBefore, size));
        if (!all.skipped() && all.deleted().runs() > 0) {
            while (store.releaseFreeSpace(RELEASE_STEP_PAGES) > 0) {
                // one step per write: the writer's queue interleaves them with everything else
            }
        }
        return all;
    }

    /** Repeats {@code batch} while batches come back full, sizing each from the last; adds to {@code so far}. */
    private Sweep drain(Sweep soFar, IntFunction<Batch> batch) throws InterruptedException {
        Sweep sweep = soFar;
        int size = policy.batchSize();
        while (true) {
            long start = System.nanoTime();
            Batch b = batch.apply(size);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            sweep = new Sweep(sweep.deleted().plus(b), sweep.batches() + (b.skipped() ? 0 : 1));
            if (b.skipped()) {
                return sweep;
            }
            if (b.runs() + b.results() + b.idempotencyKeys() > 0) {
                deleted.deleted(b, b.took());
            }
            if (Math.max(b.runs(), b.idempotencyKeys()) < size) {
                return sweep;
            }
            size = policy.nextBatchSize(size, b.took());
            if (!store.batchesQueueWithWrites()) {
                pause(policy.pauseAfter(took));
            }
        }
    }

    private static void pause(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS); // a batch in flight finishes: its transaction is short
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
