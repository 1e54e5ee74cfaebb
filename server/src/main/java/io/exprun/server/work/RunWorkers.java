package io.exprun.server.work;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * N worker threads that move runs forward: pending → queued → running, one document at a time, to completed or
 * error. Any number of instances may run workers against one database: a run is executed by whoever holds its
 * lease, every write is conditional on the current status (so a cancel always wins cleanly), and a lease that is not
 * renewed (its instance died) makes the run claimable by another worker.
 */
public final class RunWorkers implements RunCanceller.CancellationListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunWorkers.class);
    private static final long POLL_MS = 200;
    private static final long CHECK_EVERY_MS = 200;

    private final RunStore store;
    private final BlockExecutor executor;
    private final Clock clock;
    private final Duration lease;
    private final String instanceId;
    private final List<Thread> threads = new ArrayList<>();
    private final Semaphore wakeUp = new Semaphore(0);
    /** Runs this instance's workers are executing now, and those among them cancelled through this instance. */
    private final Set<String> executing = ConcurrentHashMap.newKeySet();
    private final Set<String> cancelledHere = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public RunWorkers(RunStore store, BlockExecutor executor, Clock clock, Duration lease, String instanceId) {
        this.store = store;
        this.executor = executor;
        this.clock = clock;
        this.lease = lease;
        this.instanceId = instanceId;
    }

    public void start(int count) {
        for (int i = 0; i < count; i++) {
            String owner = instanceId + "/w" + i;
            Thread t = new Thread(() -> loop(owner), "exprun-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** New work exists: wake a sleeping worker now instead of at its next poll. */
    public void nudge() {
        if (!threads.isEmpty()) {
            wakeUp.release();
        }
    }

    @Override
    public void cancelled(String runId) {
        if (executing.contains(runId)) { // runs no worker here executes need no flag (and must not accumulate)
            cancelledHere.add(runId);
        }
    }

    private void loop(String owner) {
        while (!stopping) {
            try {
                if (!workOnce(owner)) {
                    wakeUp.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a database hiccup must not kill the worker; the lease protects the run meanwhile
                log.warn("worker {} failed, retrying: {}", owner, e.toString());
                sleepQuietly(POLL_MS);
            }
        }
    }

    /** @return true when a run was worked on */
    boolean workOnce(String owner) throws InterruptedException {
        for (String id : store.runIdsIn(LifecycleStatus.PENDING, 16)) {
            store.enqueue(id);
        }
        Instant now = clock.instant();
        for (String id : store.claimableRunIds(now, 8)) {
            Optional<Run> claimed = store.claimRun(id, owner, now, now.plus(lease));
            if (claimed.isPresent()) {
                executing.add(id);
                try {
                    execute(claimed.get(), owner);
                } finally {
                    executing.remove(id);
                    cancelledHere.remove(id);
                }
                return true;
            }
        }
        return false;
    }

    private void execute(Run run, String owner) throws InterruptedException {
        BooleanSupplier stillWanted = stillWanted(run.id(), owner);
        ErrorInfo firstFailure = null;
        String firstMessage = null;
        while (!stopping) {
            Instant now = clock.instant();
            Optional<Result> next = store.startNextResult(run.id(), owner, now, now.plus(lease));
            if (next.isEmpty()) {
                break;
            }
            Result result = next.get();
            BlockExecutor.Outcome outcome;
            try {
                outcome = executor.execute(run, result, stillWanted);
            } catch (RuntimeException e) {
                outcome = new BlockExecutor.Outcome.Failed("Block execution failed: " + e.getClass().getSimpleName(),
                        new ErrorInfo(e.getMessage(), null, run.blockId(), run.blockType(), "executor_exception",
                                Map.of("document_id", result.document().id())));
            }
            boolean recorded;
            if (outcome instanceof BlockExecutor.Outcome.Completed c) {
                recorded = store.completeResult(run.id(), result.id(), owner, c.outputJson(), clock.instant());
            } else if (outcome instanceof BlockExecutor.Outcome.Failed f) {
                recorded = store.failResult(run.id(), result.id(), owner, f.message(), f.details(), clock.instant());
                if (recorded && firstFailure == null) {
                    firstFailure = f.details();
                    firstMessage = f.message();
                }
            } else {
                recorded = false;
            }
            if (!recorded) {
                return; // cancelled, or the lease was lost: whoever decided that owns the run's outcome now
            }
        }
        if (stopping) {
            return; // shutting down: the lease lapses and another worker (or the next start) resumes the run
        }
        Run current = store.findRun(run.tenant(), run.id()).orElse(run);
        Lifecycle outcome = current.errorCount() == 0
                ? Lifecycle.of(LifecycleStatus.COMPLETED)
                : Lifecycle.error(current.errorCount() + " of " + current.documentCount() + " documents failed",
                firstFailure != null ? withMessage(firstFailure, firstMessage)
                        : new ErrorInfo("documents failed", null, run.blockId(), run.blockType(), "document_failures",
                        Map.of("error_count", current.errorCount())));
        store.finishRun(run.id(), owner, outcome, clock.instant());
    }

    private static ErrorInfo withMessage(ErrorInfo details, String message) {
        return details.message() != null ? details
                : new ErrorInfo(message, details.stackTrace(), details.blockId(), details.blockName(),
                details.errorCode(), details.context());
    }

    /** Cheap to call often: a local flag, and a lease renewal (which fails once the run is cancelled) every 200 ms. */
    private BooleanSupplier stillWanted(String runId, String owner) {
        long[] lastCheck = {System.nanoTime()};
        boolean[] wanted = {true};
        return () -> {
            if (!wanted[0] || stopping || cancelledHere.contains(runId)) {
                return false;
            }
            long now = System.nanoTime();
            if (now - lastCheck[0] >= CHECK_EVERY_MS * 1_000_000) {
                lastCheck[0] = now;
                wanted[0] = store.renewLease(runId, owner, clock.instant().plus(lease));
            }
            return wanted[0];
        };
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopping = true;
        wakeUp.release(threads.size());
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
