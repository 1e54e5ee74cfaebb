package io.exprun.server.domain;

import io.exprun.server.domain.port.RunStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Waits for runs to end (the contract's {@code wait_for=terminal}) without a thread per wait: a wait is a future that
 * completes with the run once it is terminal, or with the run as it then is when its time is up. The waiters of one run
 * share one read of it.
 *
 * <p>What wakes them: a transition made by this instance ({@link #changed}, told by the cancel and by the workers when
 * a run ends), at once; one made by another instance sharing the database, at the next poll (every {@link #POLL}
 * while anything waits, one query for every run waited on, as the workers' cancel watch does). After registering, a
 * wait checks its run once more, so a transition committed between the caller's read and the registration is not
 * missed.
 *
 * <p>Bounding the waits per tenant is the fair shares' job, where the request is admitted.
 */
public final class RunWaits implements AutoCloseable {

    /** How often the runs waited on are asked about, for transitions made by other instances. */
    public static final Duration POLL = Duration.ofMillis(100);

    private static final Logger log = Logger.getLogger(RunWaits.class.getName());

    private final RunStore store;
    private final ScheduledExecutorService timer;
    private final Executor reads;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> poll;

    /** One run waited on, by one or more waits: all of one tenant, the run's. */
    private static final class Watched {
        final String tenant;
        final String runId;
        final Set<CompletableFuture<Run>> waits = ConcurrentHashMap.newKeySet();
        /** Checks asked for and not yet covered by a read: a read started after the last ask covers all before it. */
        final AtomicInteger asked = new AtomicInteger();

        Watched(String tenant, String runId) {
            this.tenant = tenant;
            this.runId = runId;
        }
    }

    /**
     * @param timer runs the timeouts and the poll's schedule, never a read
     * @param reads runs the reads of the store and writes the answers (a few threads: a read serves every wait of its
     *     run)
     */
    public RunWaits(RunStore store, ScheduledExecutorService timer, Executor reads) {
        this.store = store;
        this.timer = timer;
        this.reads = reads;
        long every = POLL.toMillis();
        this.poll = timer.scheduleWithFixedDelay(() -> reads.execute(this::poll), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * @param current the run as the caller just read it
     * @return completes with the run once it is terminal (at once when {@code current} is), or with the run as it is
     *     when {@code timeout} has passed; exceptionally when it cannot be read then (e.g. the database is down)
     */
    public CompletionStage<Run> untilTerminal(String tenant, Run current, Duration timeout) {
        if (current.status().isTerminal()) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<Run> wait = new CompletableFuture<>();
        Watched run = watched.compute(current.id(), (id, w) -> {
            Watched into = w != null ? w : new Watched(tenant, id);
            into.waits.add(wait);
            return into;
        });
        ScheduledFuture<?> timeoutTask =
                timer.schedule(() -> timedOut(run, wait), timeout.toNanos(), TimeUnit.NANOSECONDS);
        wait.whenComplete((r, e) -> timeoutTask.cancel(false));
        check(run);
        return wait;
    }

    /** A run changed state through this instance: its waits, if any, learn whether it ended now. */
    public void changed(String runId) {
        Watched run = watched.get(runId);
        if (run != null) {
            check(run);
        }
    }

    /** Waits in progress, all tenants together (for tests and metrics). */
    public int waiting() {
        return watched.values().stream().mapToInt(w -> w.waits.size()).sum();
    }

    private void check(Watched run) {
        if (run.asked.getAndIncrement() == 0) {
            reads.execute(() -> drain(run));
        }
    }

    /** Reads the run until no check was asked for during the last read; each read serves every ask before it. */
    private void drain(Watched run) {
        int covered;
        do {
            covered = run.asked.get();
            try {
                Optional<Run> now = store.findRun(run.tenant, run.runId);
                if (now.isEmpty() || now.get().status().isTerminal()) {
                    end(run, now);
                }
            } catch (RuntimeException failed) {
                // the next transition, poll or timeout asks again; a timeout answers whatever it can read then
                log.log(Level.FINE, "could not read run " + run.runId + " for its waits", failed);
            }
        } while (run.asked.addAndGet(-covered) != 0);
    }

    /**
     * Answers every wait of the run, which is terminal (or gone); a wait that starts later watches it anew. Each
     * answer is written where its wait completes, so the answers are spread over the read threads rather than written
     * one after the other by this one.
     */
    private void end(Watched run, Optional<Run> now) {
        watched.remove(run.runId, run);
        for (CompletableFuture<Run> wait : List.copyOf(run.waits)) {
            reads.execute(() -> {
                if (now.isPresent()) {
                    wait.complete(now.get());
                } else {
                    wait.completeExceptionally(RefusedAsNotFound.run(run.runId));
                }
            });
        }
    }

    private void timedOut(Watched run, CompletableFuture<Run> wait) {
        run.waits.remove(wait);
        watched.computeIfPresent(run.runId, (id, w) -> w == run && w.waits.isEmpty() ? null : w);
        if (wait.isDone()) {
            return;
        }
        reads.execute(() -> {
            try {
                wait.complete(store.findRun(run.tenant, run.runId).orElseThrow(() -> RefusedAsNotFound.run(run.runId)));
            } catch (RuntimeException failed) {
                wait.completeExceptionally(failed);
            }
        });
    }

    /** Transitions made by other instances: one query for every run waited on. */
    private void poll() {
        if (watched.isEmpty()) {
            return;
        }
        try {
            for (String ended : store.endedAmong(Set.copyOf(watched.keySet()))) {
                changed(ended);
            }
        } catch (RuntimeException failed) {
            log.log(Level.FINE, "could not poll the runs waited on", failed);
        }
    }

    /** Answers every wait with its run as it is now (as if its time were up), then stops polling. */
    @Override
    public void close() {
        poll.cancel(false);
        for (Watched run : List.copyOf(watched.values())) {
            for (CompletableFuture<Run> wait : List.copyOf(run.waits)) {
                timedOut(run, wait);
            }
        }
    }
}
