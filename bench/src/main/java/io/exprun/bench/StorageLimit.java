package io.exprun.bench;

import io.exprun.server.config.Limits;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.store.Database;
import io.exprun.server.store.JdbiRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The storage's own limit for cancels: exprun's cancel statement, one commit per cancel, from {@code --threads}
 * threads in a closed loop, straight on the database with no HTTP in front. It goes through exprun's own store with
 * group commit off ({@code JdbiRunStore}, {@code groupCancels=false}; on SQLite its one writer in batches of one), so
 * the statement, the row read back and the connection setup (SQLite's WAL, {@code synchronous=FULL}; PostgreSQL's
 * READ COMMITTED) are exactly the server's, and what is left out is everything exprun adds above the database. (For
 * SQLite, {@code bench/sqlite_limit.py} measures the storage without exprun's writer at all.) The
 * server must be stopped: this process opens the database itself.
 *
 * <p>Each id in {@code --ids} is cancelled at most once (a pending run of the tenant); a cancel that finds nothing
 * to cancel, or fails, is an error. Output: one tab-separated line as {@code open-loop} prints: requests, req/s,
 * p50, p99, p99.9, max (ms), errors.
 */
@Command(name = "storage-limit", description = "exprun's cancel statement straight on the database, one commit each.")
final class StorageLimit implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the server's EXPRUN_DB_URL")
    String url;

    @Option(names = "--user", description = "the server's EXPRUN_DB_USER")
    String user;

    @Option(names = "--tenant", required = true, description = "the tenant that owns the runs")
    String tenant;

    @Option(names = "--ids", required = true, description = "file of pending run ids, one per line; each used once")
    Path ids;

    @Option(names = "--threads", defaultValue = "32")
    int threads;

    @Option(names = "--seconds", defaultValue = "10")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "the same load first, not recorded")
    double warmupSeconds;

    @Option(names = "--used", description = "where to write how many ids were taken (the rest can serve later points)")
    Path used;

    @Override
    public Integer call() throws Exception {
        List<String> runIds = Files.readAllLines(ids);
        AtomicInteger next = new AtomicInteger();
        // one commit per cancel on SQLite too, where every write goes through exprun's one writer: batches of one
        System.setProperty("exprun.groupCommit", "off");
        try (Database database = Database.open(url, user, null, threads, Limits.DEFAULTS, false)) {
            JdbiRunStore store = new JdbiRunStore(
                    database.sql(),
                    io.exprun.server.store.StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES),
                    false,
                    java.time.Clock.systemUTC());
            closedLoop(store, runIds, next, warmupSeconds);
            OpenLoopLoad.Outcome outcome = closedLoop(store, runIds, next, seconds);
            if (used != null) {
                Files.writeString(used, Math.min(next.get(), runIds.size()) + "\n");
            }
            System.out.println(outcome.line());
        }
        return 0;
    }

    /** Every thread cancels the next unused id until the time is up; running out of ids ends the phase early. */
    private OpenLoopLoad.Outcome closedLoop(JdbiRunStore store, List<String> runIds, AtomicInteger next, double secs)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (secs * 1e9);
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        List<Histogram> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            perThread.add(h);
            Thread worker = new Thread(
                    () -> {
                        int i;
                        while (System.nanoTime() < end && (i = next.getAndIncrement()) < runIds.size()) {
                            long t0 = System.nanoTime();
                            try {
                                if (store.cancelRun(tenant, runIds.get(i), RunCanceller.DEFAULT_REASON)
                                        .isEmpty()) {
                                    errors.incrementAndGet();
                                }
                            } catch (RuntimeException e) {
                                errors.incrementAndGet();
                            }
                            h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
                            done.incrementAndGet();
                        }
                    },
                    "storage-limit-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        perThread.forEach(all::add);
        return new OpenLoopLoad.Outcome(done.get(), errors.get(), (System.nanoTime() - start) / 1e9, all);
    }
}
