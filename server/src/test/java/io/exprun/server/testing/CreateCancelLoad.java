package io.exprun.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Create and cancel load from a few client threads, for backups taken under it. Each thread creates runs and cancels
 * every second one at once, and records every answer that acknowledged (2xx) with where the backup stood when the
 * answer had arrived: before it began, or later. No clock decides that: the backup's phase is a volatile the thread
 * reads after the answer arrived, so "before" means the acknowledgement happened-before {@link #backupBegins()}.
 */
public final class CreateCancelLoad implements AutoCloseable {

    public static final String RUNS = "/v1/workflows/experiments/runs";

    private enum Phase {
        BEFORE_BACKUP,
        DURING_BACKUP,
        AFTER_BACKUP
    }

    /** An acknowledged create or cancel of {@code runId}. */
    public record Ack(String runId, boolean beforeBackupBegan, boolean sentAfterBackupEnded) {}

    private final Http api;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Ack> creates = Collections.synchronizedList(new ArrayList<>());
    private final List<Ack> cancels = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refused = new AtomicInteger();
    private final CountDownLatch warmedUp;
    private final CountDownLatch cancelsBeforeBackup;
    private final CountDownLatch createdAfterBackup;
    private volatile Phase phase = Phase.BEFORE_BACKUP;
    private volatile boolean stopping;

    private CreateCancelLoad(URI base, String key, int threadCount, int createsBeforeBackup) {
        this.api = new Http(base, key);
        this.warmedUp = new CountDownLatch(createsBeforeBackup);
        this.cancelsBeforeBackup = new CountDownLatch(createsBeforeBackup / 2);
        this.createdAfterBackup = new CountDownLatch(threadCount);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::drive, "create-cancel-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Starts {@code threadCount} client threads against the server at {@code base}. */
    public static CreateCancelLoad start(URI base, String key, int threadCount, int createsBeforeBackup) {
        CreateCancelLoad load = new CreateCancelLoad(base, key, threadCount, createsBeforeBackup);
        load.threads.forEach(Thread::start);
        return load;
    }

    /** Waits until the load has acknowledged the creates (and half as many cancels) asked for at start. */
    public void awaitWarmedUp() throws InterruptedException {
        await(warmedUp, "creates acknowledged before the backup");
        await(cancelsBeforeBackup, "cancels acknowledged before the backup");
    }

    /** Call right before the backup begins; every acknowledgement seen before this is one the backup must hold. */
    public void backupBegins() {
        phase = Phase.DURING_BACKUP;
    }

    /** Call when the backup has returned; then waits until every thread has had a create sent after it answered. */
    public void backupEnded() throws InterruptedException {
        phase = Phase.AFTER_BACKUP;
        await(createdAfterBackup, "a create sent after the backup ended, from every thread");
    }

    public List<Ack> creates() {
        return List.copyOf(creates);
    }

    public List<Ack> cancels() {
        return List.copyOf(cancels);
    }

    /** Answers that were not 2xx (overload, a run that finished before its cancel): not acknowledged, not counted. */
    public int refused() {
        return refused.get();
    }

    private void drive() {
        boolean countedAfterBackup = false;
        try {
            for (int n = 0; !stopping; n++) {
                Phase sentIn = phase;
                Http.Answer created = api.postJson(RUNS, "{\"experiment_id\":\"" + RunFixtures.EXPERIMENT + "\"}");
                Phase answeredIn = phase;
                if (created.status() / 100 != 2) {
                    refused.incrementAndGet();
                    continue;
                }
                String id = created.json().path("id").asText();
                creates.add(new Ack(id, answeredIn == Phase.BEFORE_BACKUP, sentIn == Phase.AFTER_BACKUP));
                if (answeredIn == Phase.BEFORE_BACKUP) {
                    warmedUp.countDown();
                }
                if (sentIn == Phase.AFTER_BACKUP && !countedAfterBackup) {
                    countedAfterBackup = true;
                    createdAfterBackup.countDown();
                }
                if (n % 2 == 0) {
                    Phase cancelSentIn = phase;
                    Http.Answer cancelled = api.post(RUNS + "/" + id + "/cancel");
                    Phase cancelAnsweredIn = phase;
                    if (cancelled.status() / 100 != 2) {
                        refused.incrementAndGet();
                        continue;
                    }
                    cancels.add(
                            new Ack(id, cancelAnsweredIn == Phase.BEFORE_BACKUP, cancelSentIn == Phase.AFTER_BACKUP));
                    if (cancelAnsweredIn == Phase.BEFORE_BACKUP) {
                        cancelsBeforeBackup.countDown();
                    }
                }
            }
        } catch (Throwable t) {
            failures.add(t);
            // a dead client thread must not leave the test waiting for latches it would have counted down
            while (warmedUp.getCount() > 0) {
                warmedUp.countDown();
            }
            while (cancelsBeforeBackup.getCount() > 0) {
                cancelsBeforeBackup.countDown();
            }
            while (createdAfterBackup.getCount() > 0) {
                createdAfterBackup.countDown();
            }
        }
    }

    private void await(CountDownLatch latch, String what) throws InterruptedException {
        // a bound for a machine that has stopped answering, not a measurement: the test fails with what was missing
        if (!latch.await(2, TimeUnit.MINUTES) || !failures.isEmpty()) {
            throw new AssertionError(
                    "the load did not reach: " + what + " (acknowledged " + creates.size()
                            + " creates, " + cancels.size() + " cancels; " + refused.get()
                            + " refused; client failures: "
                            + failures + ")",
                    failures.isEmpty() ? null : failures.get(0));
        }
    }

    /** Stops the client threads and waits for them; rethrows what any of them failed with. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("a load thread failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    /**
     * What a server restored from a backup taken during this load serves: every run acknowledged before the backup
     * began, every cancel acknowledged before it began as cancelled, and none of {@code createdAfterItEnded} (so the
     * restore is the snapshot, not the live database).
     */
    public static void assertServesTheSnapshot(
            Http api, List<Ack> creates, List<Ack> cancels, List<Ack> createdAfterItEnded) {
        List<String> acknowledgedBefore =
                creates.stream().filter(Ack::beforeBackupBegan).map(Ack::runId).toList();
        List<String> cancelledBefore =
                cancels.stream().filter(Ack::beforeBackupBegan).map(Ack::runId).toList();
        assertThat(acknowledgedBefore).hasSizeGreaterThanOrEqualTo(40);
        assertThat(cancelledBefore).hasSizeGreaterThanOrEqualTo(20);

        assertThat(acknowledgedBefore.stream()
                        .filter(id -> api.get(RUNS + "/" + id).status() != 200))
                .as("runs acknowledged before the backup began, missing after the restore")
                .isEmpty();
        assertThat(cancelledBefore.stream()
                        .filter(id ->
                                !"cancelled".equals(api.get(RUNS + "/" + id).lifecycleStatus())))
                .as("cancels acknowledged before the backup began, not cancelled after the restore")
                .isEmpty();

        assertThat(createdAfterItEnded).isNotEmpty();
        assertThat(createdAfterItEnded.stream()
                        .filter(ack -> api.get(RUNS + "/" + ack.runId()).status() != 404))
                .as("runs created after the backup ended cannot be in it")
                .isEmpty();
    }
}
