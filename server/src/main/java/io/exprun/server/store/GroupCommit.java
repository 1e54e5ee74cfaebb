package io.exprun.server.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fair group commit by leadership handover: requests that arrive while a batch is being committed queue up (FIFO);
 * the caller that finds nobody committing leads exactly ONE batch (the head of the queue, itself included, at most
 * {@code maxBatch} requests), and then hands leadership to the caller now at the head of the queue, which leads the
 * next batch on its own thread. No thread of its own, no timer; with one caller at a time it is one transaction per
 * call.
 *
 * <p>Why handover and not "the leader drains the queue": under sustained load the queue never empties, and a leader
 * that loops until it does never returns (measured: one caller held for 4 s of a 5 s run). With handover, a caller
 * commits at most {@code maxBatch - 1} requests of others, and waits at most for the batches ahead of it in the
 * queue: with at most {@code maxBatch} callers in flight, the batch being committed when it arrived plus its own.
 *
 * <p>Failures: a batch that fails because the database is unavailable ({@link #unavailable(RuntimeException)}) fails
 * every request of the batch at once with that error (retrying each alone against a database that is down would be
 * a retry storm); any other failure (a statement that failed) is retried request by request so one bad request
 * cannot fail its neighbours. An {@link Error} fails the batch and still hands leadership over.
 */
abstract class GroupCommit<R, T> {

    /**
     * One request; {@code turn} completes once: LEAD (commit the next batch, this request at its head) or DONE
     * (outcome or failure set by the leader that committed it; the future publishes them to this thread).
     */
    private static final class Pending<R, T> {
        final R request;
        final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        T outcome;
        Throwable failure;

        Pending(R request) {
            this.request = request;
        }

        void succeed(T value) {
            outcome = value;
            turn.complete(DONE);
        }

        void fail(Throwable t) {
            failure = t;
            turn.complete(DONE);
        }
    }

    /**
     * The internal switch {@code -Dexprun.groupCommit=off} (not configuration: for measuring both ways): each write
     * commits alone, on SQLite's writer ({@link SqliteWriter}, batches of one) and for PostgreSQL's cancels.
     */
    static boolean switchedOff() {
        return System.getProperty("exprun.groupCommit", "").trim().equalsIgnoreCase("off");
    }

    private static final Boolean LEAD = Boolean.TRUE;
    private static final Boolean DONE = Boolean.FALSE;

    private final int maxBatch;
    private final ArrayDeque<Pending<R, T>> queue = new ArrayDeque<>();
    private boolean committing;

    GroupCommit(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1");
        }
        this.maxBatch = maxBatch;
    }

    /** All requests of the batch in one transaction; outcomes in request order. Throws to roll the batch back. */
    protected abstract List<T> inOneTransaction(List<R> batch);

    /** One request in its own transaction (after its batch failed for a reason other than an unavailable database). */
    protected abstract T alone(R request);

    /** True when this failure means the database is out of reach: retrying requests one by one would not help. */
    protected abstract boolean unavailable(RuntimeException failure);

    /** Requests queued and not yet in a batch being committed (lets tests wait until everyone has queued up). */
    synchronized int queued() {
        return queue.size();
    }

    T submit(R request) {
        Pending<R, T> mine = new Pending<>(request);
        boolean lead;
        synchronized (this) {
            queue.add(mine);
            lead = !committing;
            committing = true;
        }
        // join, not get: a waiter must stay to take its turn as leader even if interrupted, or the queue would stall.
        // A leader's own request is the head of the queue, so it is in the batch it commits: its outcome is set by
        // this very thread when leadOneBatch returns.
        if (lead || mine.turn.join() == LEAD) {
            leadOneBatch();
        }
        if (mine.failure instanceof RuntimeException r) {
            throw r;
        }
        if (mine.failure instanceof Error e) {
            throw e;
        }
        return mine.outcome;
    }

    /**
     * Called by the request at the head of the queue: commits one batch (its own request included), hands leadership
     * over, and only then answers the batch's waiters (or retries them one by one): waking a dozen threads, or a
     * retry, is then off the path every other cancel waits on.
     */
    private void leadOneBatch() {
        List<Pending<R, T>> batch = new ArrayList<>(Math.min(maxBatch, 64));
        synchronized (this) {
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
        }
        Runnable answer = () -> {};
        try {
            answer = commit(batch);
        } finally {
            Pending<R, T> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null) {
                    committing = false;
                }
            }
            if (next != null) {
                next.turn.complete(LEAD);
            }
        }
        answer.run();
    }

    /** Runs the batch's transaction; returns how to answer its waiters. Never throws. */
    private Runnable commit(List<Pending<R, T>> batch) {
        List<T> outcomes;
        try {
            outcomes = inOneTransaction(batch.stream().map(p -> p.request).toList());
        } catch (Error fatal) {
            return () -> batch.forEach(p -> p.fail(fatal));
        } catch (RuntimeException batchFailed) {
            if (unavailable(batchFailed)) {
                return () -> batch.forEach(p -> p.fail(batchFailed));
            }
            return () -> oneByOne(batch);
        }
        if (outcomes.size() != batch.size()) {
            IllegalStateException wrong =
                    new IllegalStateException("a batch of " + batch.size() + " gave " + outcomes.size() + " outcomes");
            return () -> batch.forEach(p -> p.fail(wrong));
        }
        return () -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).succeed(outcomes.get(i));
            }
        };
    }

    private void oneByOne(List<Pending<R, T>> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Pending<R, T> p = batch.get(i);
            try {
                p.succeed(alone(p.request));
            } catch (RuntimeException e) {
                p.fail(e);
                if (unavailable(e)) {
                    // the database went away meanwhile: the rest would fail the same way, one connect timeout each
                    batch.subList(i + 1, batch.size()).forEach(rest -> rest.fail(e));
                    return;
                }
            } catch (Error fatal) {
                batch.subList(i, batch.size()).forEach(rest -> rest.fail(fatal));
                return;
            }
        }
    }
}
