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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the service no longer promises to keep, on one daemon thread, every {@code sweepInterval}:
 * idempotency keys older than {@link RunService#IDEMPOTENCY_RETENTION} (always), then terminal runs, with their
 * results, that completed longer ago than the run retention (unless it is off). Both are deleted in bounded batches,
 * one short transaction each, with a pause between batches while more is expired, so a backlog never becomes one
 * long transaction. A sweep ends early when another instance is sweeping (the store says so): that one does the work.
 */
public final class RetentionSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** What one sweep deleted, in how many batches; {@code skipped} when another instance held the sweep. */
    public record Sweep(Batch deleted, int batches) {
        public boolean skipped() {
            return deleted.skipped();
        }
    }

    private final RetentionStore store;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final BatchListener deleted;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-retention"));

    /**
     * Told of every batch that deleted something, with how long its transaction took: on SQLite that is how long every
     * create and cancel could have waited for the database's one write lock (the metrics count and time it).
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
        long every = policy.sweepInterval().toMillis();
        thread.scheduleWithFixedDelay(this::sweepInBackground, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweepInBackground() {
        try {
            Sweep sweep = sweepOnce();
            Batch d = sweep.deleted();
            if (d.runs() + d.results() + d.idempotencyKeys() > 0) {
                log.info(
                        "retention: deleted {} run(s) with {} result(s), and {} idempotency key(s), in {} batch(es)",
                        d.runs(),
                        d.results(),
                        d.idempotencyKeys(),
                        sweep.batches());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close(): stop
        } catch (RuntimeException e) {
            // the database is down or a batch failed: nothing was half-deleted (one transaction), try next time
            log.warn(
                    "retention sweep failed, retrying in {} ms: {}",
                    policy.sweepInterval().toMillis(),
                    e.toString());
        }
    }

    /**
     * One sweep, now, on the caller's thread: batches until everything expired at its start is gone or another
     * instance turns out to be sweeping. Synchronized: one sweep at a time per sweeper.
     *
     * @throws InterruptedException interrupted during the pause between two batches (what was deleted stays deleted)
     */
    public synchronized Sweep sweepOnce() throws InterruptedException {
        Instant now = clock.instant();
        Sweep keys = drain(
                new Sweep(new Batch(0, 0, 0, false), 0),
                () -> store.deleteExpiredIdempotencyKeys(
                        now.minus(RunService.IDEMPOTENCY_RETENTION), policy.batchSize()));
        if (keys.skipped() || policy.runRetention().isEmpty()) {
            return keys;
        }
        Instant completedBefore = now.minus(policy.runRetention().get());
        return drain(keys, () -> store.deleteExpiredRuns(completedBefore, policy.batchSize()));
    }

    /** Repeats {@code batch} while batches come back full, pausing between them; adds to {@code so far}. */
    private Sweep drain(Sweep soFar, Supplier<Batch> batch) throws InterruptedException {
        Sweep sweep = soFar;
        while (true) {
            long start = System.nanoTime();
            Batch b = batch.get();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            sweep = new Sweep(sweep.deleted().plus(b), sweep.batches() + (b.skipped() ? 0 : 1));
            if (b.skipped()) {
                return sweep;
            }
            if (b.runs() + b.results() + b.idempotencyKeys() > 0) {
                deleted.deleted(b, took);
            }
            if (Math.max(b.runs(), b.idempotencyKeys()) < policy.batchSize()) {
                return sweep;
            }
            pause(policy.pauseAfter(took));
        }
    }

    private static void pause(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis());
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
