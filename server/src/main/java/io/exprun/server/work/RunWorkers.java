package io.exprun.server.work;

import io.exprun.server.config.DaemonThreads;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.RunOutcome;
import io.exprun.server.domain.port.WorkerStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N worker threads that move runs forward: pending → queued → running, one document at a time, to completed or
 * error. Any number of instances may run workers against one database: a run is executed by whoever holds its
 * lease, every write is conditional on the current status (so a cancel always wins cleanly), and a lease that is not
 * renewed (its instance died) lets another worker take the run over: the heartbeat watches every running run's lease
 * beat and judges on this instance's monotonic clock which stood still ({@link StaleLeases}).
 * <p>
 * The workers, not the executor, keep their leases: a heartbeat thread renews every lease held here every third of
 * the lease, however long a document takes and whether or not the executor polls {@code stillWanted} (db-scheduler's
 * model). The same thread asks the database every {@value #WATCH_MS} ms, in one query, whether the runs executing
 * here are still theirs: a cancel accepted by any instance reaches the executor within about that time (measured in
 * CancelPropagationOnPostgresTest). A graceful stop hands its runs back to the queue at once.
 *
 * <p>A little over 250 lines: the claim loop, the heartbeat that keeps leases and the cancel watch share the table of
 * claims held here, and splitting them would put that table behind an interface of its own.
 */
public final class RunWorkers implements RunCanceller.CancellationListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunWorkers.class);
    private static final long POLL_MS = 200;
    static final long WATCH_MS = 100;

    private final WorkerStore store;
    private final BlockExecutor executor;
    private final Duration lease;
    private final String instanceId;
    /** Told of every run a worker here ended (completed or error), after commit: waits for it end now. */
    private final Consumer<String> ended;

    private final List<Thread> threads = new ArrayList<>();
    /** At most one pending wake-up: a burst of creates wakes one idle worker once, not once per create. */
    private final BlockingQueue<Boolean> wakeUp = new ArrayBlockingQueue<>(1);
    /** What this instance's workers execute now, by run id. */
    private final Map<String, Execution> executing = new ConcurrentHashMap<>();

    private final StaleLeases staleLeases;
    private final ScheduledExecutorService heartbeat =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-worker-heartbeat"));
    private volatile boolean stopping;

    /** One claim of one run by one worker; {@code wanted} turns false for good on cancel, lost lease or stop. */
    private static final class Execution {
        final String runId;
        final String owner;
        volatile boolean wanted = true;

        Execution(String runId, String owner) {
            this.runId = runId;
            this.owner = owner;
        }
    }

    public RunWorkers(WorkerStore store, BlockExecutor executor, Duration lease, String instanceId) {
        this(store, executor, lease, instanceId, runId -> {});
    }

    public RunWorkers(
            WorkerStore store, BlockExecutor executor, Duration lease, String instanceId, Consumer<String> ended) {
        this.store = store;
        this.executor = executor;
        this.lease = lease;
        this.instanceId = instanceId;
        this.staleLeases = new StaleLeases(lease, System::nanoTime);
        this.ended = ended;
    }

    public void start(int count) {
        for (int i = 0; i < count; i++) {
            String owner = instanceId + "/w" + i;
            Thread t = DaemonThreads.named("exprun-worker-" + i).newThread(() -> loop(owner));
            threads.add(t);
            t.start();
        }
        if (count > 0) {
            long renewEvery = Math.max(1, lease.toMillis() / 3);
            heartbeat.scheduleWithFixedDelay(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
            heartbeat.scheduleWithFixedDelay(this::watchLeases, 0, renewEvery, TimeUnit.MILLISECONDS);
            heartbeat.scheduleWithFixedDelay(this::watchForCancels, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** New work exists: wake a sleeping worker now instead of at its next poll. */
    public void nudge() {
        if (!threads.isEmpty()) {
            wakeUp.offer(Boolean.TRUE); // full means a wake-up is already pending: coalesced
        }
    }

    /** Wake-ups waiting to be taken (for tests: never more than one). */
    int pendingWakeUps() {
        return wakeUp.size();
    }

    @Override
    public void cancelled(String runId) {
        Execution e = executing.get(runId);
        if (e != null) { // cancelled through this instance: stop now rather than at the next watch
            e.wanted = false;
        }
    }

    private void loop(String owner) {
        while (!stopping) {
            try {
                if (!workOnce(owner)) {
                    wakeUp.poll(POLL_MS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a database hiccup must not kill the worker; the lease protects the run meanwhile
                log.warn("worker {} failed, retrying: {}", owner, e.toString());
                try {
                    wakeUp.poll(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** @return true when a run was worked on */
    boolean workOnce(String owner) throws InterruptedException {
        store.enqueuePending(16);
        Optional<Run> claimed = store.claimNext(owner);
        if (claimed.isEmpty()) {
            claimed = staleLeases.next().flatMap(stale -> store.takeOver(stale, owner));
        }
        if (claimed.isEmpty()) {
            return false;
        }
        Execution execution = new Execution(claimed.get().id(), owner);
        executing.put(execution.runId, execution);
        try {
            execute(claimed.get(), execution);
        } finally {
            executing.remove(execution.runId, execution);
        }
        return true;
    }

    private void execute(Run run, Execution ex) throws InterruptedException {
        String owner = ex.owner;
        while (!stopping && ex.wanted) {
            Optional<Result> next = store.startNextResult(run.id(), owner);
            if (next.isEmpty()) {
                break;
            }
            Result result = next.get();
            BlockExecutor.Outcome outcome;
            try {
                outcome = executor.execute(run, result, () -> ex.wanted && !stopping);
            } catch (RuntimeException e) {
                outcome = new BlockExecutor.Outcome.Failed(
                        "Block execution failed: " + e.getClass().getSimpleName(),
                        new ErrorInfo(
                                e.getMessage(),
                                null,
                                run.blockId(),
                                run.blockType(),
                                "executor_exception",
                                Map.of("document_id", result.document().id())));
            }
            boolean recorded;
            if (outcome instanceof BlockExecutor.Outcome.Completed c) {
                recorded = store.completeResult(run.id(), result.id(), owner, c.outputJson());
            } else if (outcome instanceof BlockExecutor.Outcome.Failed f) {
                recorded = store.failResult(
                        run.id(), result.id(), owner, f.message(), withMessage(f.details(), f.message()));
            } else {
                recorded = false;
            }
            if (!recorded) {
                break; // cancelled, the lease was lost, or stopping: see below
            }
        }
        if (stopping) {
            // a graceful stop hands the run back now: another instance resumes it without waiting for the lease
            if (store.release(run.id(), owner)) {
                log.info("released run {} for another instance to resume", run.id());
            }
            return;
        }
        if (!ex.wanted) {
            return; // cancelled or taken over: whoever decided that owns the run's outcome now
        }
        Run current = store.run(run.id()).orElse(run);
        if (store.finishRun(run.id(), owner, RunOutcome.of(current, () -> store.firstFailure(run.id())))) {
            ended.accept(run.id());
        }
    }

    private static ErrorInfo withMessage(ErrorInfo details, String message) {
        if (details == null) {
            return null;
        }
        return details.message() != null
                ? details
                : new ErrorInfo(
                        message,
                        details.stackTrace(),
                        details.blockId(),
                        details.blockName(),
                        details.errorCode(),
                        details.context());
    }

    /** The heartbeat: every lease held here, renewed on the workers' schedule, not the executor's. */
    private void renewLeases() {
        for (Execution e : List.copyOf(executing.values())) {
            try {
                if (!store.renewLease(e.runId, e.owner)) {
                    e.wanted = false; // cancelled, or (after an outage longer than the lease) taken over
                }
            } catch (RuntimeException failed) {
                log.warn("could not renew the lease of run {}: {}", e.runId, failed.toString());
            }
        }
    }

    /** Every running run's lease as the database shows it now, for {@link StaleLeases} to judge. */
    private void watchLeases() {
        try {
            staleLeases.observe(store.runningLeases(), executing.keySet());
        } catch (RuntimeException failed) {
            log.debug("lease watch failed: {}", failed.toString()); // nothing is judged stale without seeing it
        }
    }

    /** One query for every run executing here: is it still running under the same owner? */
    private void watchForCancels() {
        List<Execution> now = List.copyOf(executing.values());
        if (now.isEmpty()) {
            return;
        }
        Map<String, String> owners = new HashMap<>();
        now.forEach(e -> owners.put(e.runId, e.owner));
        try {
            Set<String> owned = store.stillOwned(owners);
            for (Execution e : now) {
                if (!owned.contains(e.runId)) {
                    e.wanted = false;
                }
            }
        } catch (RuntimeException failed) {
            log.debug("cancel watch failed: {}", failed.toString()); // the lease decides meanwhile
        }
    }

    /** Stops claiming, lets in-flight documents end (executors see stillWanted false), hands their runs back. */
    @Override
    public void close() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        heartbeat.shutdownNow();
    }
}
