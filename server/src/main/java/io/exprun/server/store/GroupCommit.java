package io.exprun.server.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Leader/follower group commit: callers that arrive while a batch is being committed queue up, and the caller that
 * finds nobody committing commits everything queued (up to {@code maxBatch} per transaction) before it returns.
 * No thread of its own, no timer: with one caller at a time it degenerates to one transaction per call.
 */
abstract class GroupCommit<R, T> {

    private record Pending<R, T>(R request, CompletableFuture<T> outcome) {
    }

    private final int maxBatch;
    private final ArrayDeque<Pending<R, T>> queue = new ArrayDeque<>();
    private boolean committing;

    GroupCommit(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** All requests of the batch in one transaction; outcomes in request order. Throws to roll the batch back. */
    protected abstract List<T> inOneTransaction(List<R> batch);

    /** One request in its own transaction (after its batch failed). */
    protected abstract T alone(R request);

    T submit(R request) {
        Pending<R, T> mine = new Pending<>(request, new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            queue.add(mine);
            lead = !committing;
            committing = true;
        }
        if (lead) {
            lead();
        }
        try {
            return mine.outcome().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void lead() {
        try {
            while (true) {
                List<Pending<R, T>> batch = new ArrayList<>();
                synchronized (this) {
                    while (!queue.isEmpty() && batch.size() < maxBatch) {
                        batch.add(queue.poll());
                    }
                    if (batch.isEmpty()) {
                        committing = false;
                        return;
                    }
                }
                commit(batch);
            }
        } catch (Error fatal) {
            // nobody may wait forever behind a leader that died: fail what is queued, and let the next caller lead
            synchronized (this) {
                queue.forEach(p -> p.outcome().completeExceptionally(fatal));
                queue.clear();
                committing = false;
            }
            throw fatal;
        }
    }

    private void commit(List<Pending<R, T>> batch) {
        try {
            List<T> outcomes = inOneTransaction(batch.stream().map(Pending::request).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome().complete(outcomes.get(i));
            }
        } catch (Error fatal) {
            batch.forEach(p -> p.outcome().completeExceptionally(fatal));
            throw fatal;
        } catch (RuntimeException batchFailed) {
            for (Pending<R, T> p : batch) {
                try {
                    p.outcome().complete(alone(p.request()));
                } catch (RuntimeException e) {
                    p.outcome().completeExceptionally(e);
                }
            }
        }
    }
}
