package io.exprun.server.http;

import io.exprun.server.ops.TenantMeters;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Lets requests onto the API threads, fairly between flows (a flow: a tenant, or every request without a known key):
 * a request runs at once while a thread is free; otherwise it waits in its flow's queue ({@link FairQueue}, deficit
 * round robin by cost) and a thread that finishes takes the next request in turn before it goes idle. Work-conserving:
 * a flow alone is given every thread. Refused (never run): a request whose flow's queue is full, and one that waited
 * longer than {@code maxWait}; either is answered 503 instead of 429 while the database is down, since the truth then
 * is "retry later", not "you send too much".
 *
 * <p>Why {@code maxWait} (EXPRUN_QUEUE_MAX_WAIT_MS, default 5 s): a request that waited that long is behind work the
 * threads have not got through in time; run later, its answer would reach a client that has likely given up (wrk's
 * timeout in bench/ is 10 s; a JVM client's is often 10-30 s), while it took a thread from requests that can still be
 * answered in time. A prompt 429 with {@code Retry-After} tells the client to come back instead.
 *
 * <p>Threads never block here: the lock guards a few O(1) steps (and the expiry's scan of one bounded queue).
 */
final class FairAdmission {

    /** Why a request was not run: a reason of {@link TenantMeters}. */
    enum Refusal {
        QUEUE_FULL("queue_full"),
        WAITED_TOO_LONG("waited_too_long"),
        DATABASE_DOWN("database_down");

        final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }
    }

    /** A request to run on an API thread, or to answer with a refusal. */
    interface Job {
        void run();

        void refuse(Refusal why);
    }

    private static final class Waiting {
        final Object flow;
        final String tenant;
        final Job job;
        final long since = System.nanoTime();
        volatile Scheduler.Task expiry;

        Waiting(Object flow, String tenant, Job job) {
            this.flow = flow;
            this.tenant = tenant;
            this.job = job;
        }
    }

    private final Executor threads;
    private final int maxRunning;
    private final FairQueue<Waiting> queue;
    private final long maxWaitNanos;
    private final BooleanSupplier databaseUp;
    private final TenantMeters meters;
    private int running; // guarded by this; the queue is empty whenever running < maxRunning

    /**
     * @param threads    runs the requests; must not reject, and have {@code maxRunning} threads (more are not used)
     * @param capacity   requests one flow may have waiting
     * @param quantum    the largest cost of a request
     * @param maxWait    how long a request may wait for a thread, in ms
     * @param databaseUp whether the database is up now (a refusal is then 429, else 503)
     */
    FairAdmission(
            Executor threads,
            int maxRunning,
            int capacity,
            int quantum,
            long maxWait,
            BooleanSupplier databaseUp,
            TenantMeters meters) {
        this.threads = threads;
        this.maxRunning = maxRunning;
        this.queue = new FairQueue<>(capacity, quantum);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWait);
        this.databaseUp = databaseUp;
        this.meters = meters;
    }

    /**
     * Runs {@code job} on an API thread now or when its turn comes, or refuses it.
     *
     * @param flow   its queue (a tenant, or one shared by all requests without a known key)
     * @param tenant the label it is counted under in the metrics
     * @param cost   1 to the quantum: what its service costs compared with the cheapest request's
     * @param timer  where its wait's expiry is scheduled
     */
    void submit(Object flow, String tenant, int cost, Job job, Scheduler timer) {
        Waiting waiting = new Waiting(flow, tenant, job);
        boolean runNow;
        boolean queued = false;
        synchronized (this) {
            runNow = running < maxRunning;
            if (runNow) {
                running++;
            } else {
                queued = queue.offer(flow, cost, waiting);
            }
        }
        if (runNow) {
            threads.execute(() -> work(waiting));
        } else if (!queued) {
            refuse(tenant, job, Refusal.QUEUE_FULL);
        } else {
            // taken off the queue before this is set: expire() then finds it gone and does nothing
            waiting.expiry = timer.schedule(() -> expire(waiting), maxWaitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs {@code first}, then the next request in turn until none waits: a thread hands itself on, no hand-off. */
    private void work(Waiting first) {
        Waiting current = first;
        while (current != null) {
            meters.waited(current.tenant, System.nanoTime() - current.since);
            try {
                current.job.run();
            } catch (Throwable t) { // the job answers its own failures; nothing must stop the hand-on
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
            synchronized (this) {
                current = queue.poll();
                if (current == null) {
                    running--;
                }
            }
            if (current != null && current.expiry != null) {
                current.expiry.cancel();
            }
        }
    }

    private void expire(Waiting waiting) {
        boolean removed;
        synchronized (this) {
            removed = queue.remove(waiting.flow, waiting);
        }
        if (removed) {
            refuse(waiting.tenant, waiting.job, Refusal.WAITED_TOO_LONG);
        }
    }

    private void refuse(String tenant, Job job, Refusal why) {
        Refusal told = databaseUp.getAsBoolean() ? why : Refusal.DATABASE_DOWN;
        meters.refused(tenant, told.reason);
        job.refuse(told);
    }

    /** Requests {@code flow} has waiting for a thread. */
    synchronized int depth(Object flow) {
        return queue.depth(flow);
    }

    long maxWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxWaitNanos);
    }

    /** Requests running on the API threads now. */
    synchronized int running() {
        return running;
    }
}
