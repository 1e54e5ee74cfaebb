package io.exprun.server.ops;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.exprun.server.config.DaemonThreads;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.port.RetentionStore;
import io.exprun.server.domain.port.RunStore;
import io.exprun.server.spec.SpecOperations;
import io.exprun.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Prometheus metrics (Micrometer), scraped at {@code /metrics} without a key (served by the front door): request latency histograms by operation
 * and status ({@code http_server_requests_seconds}), runs by lifecycle status ({@code exprun_runs}), cancellations
 * ({@code exprun_cancellations_total}), the work waiting for a worker ({@code exprun_worker_queue_depth}) and what the
 * retention sweeper deleted ({@code exprun_retention_{runs,results,idempotency_keys}_deleted_total}), and on SQLite
 * the WAL's size ({@code exprun_db_wal_bytes}) and what the one writer committed ({@code exprun_db_commits_total},
 * {@code exprun_db_writes_total}, {@code exprun_db_writes_queued}).
 * The run counts come from a GROUP BY on a background thread: a scrape never waits for the database (when it is down
 * the last counts stay, and {@code exprun_run_counts_age_seconds} says how old they are). That query reads every run,
 * so it is run for scrapes, not on a timer: a scrape serves the last counts and asks for fresh ones, at most once a
 * second and, for a big table, at most {@link #COUNT_BUDGET_PERCENT}% of the time ({@link #nextCountIn}). Counting on
 * a one-second timer cost a third of the server's CPU samples at ~430k runs under load; pacing that timer turned the
 * cost into bursts that set the cancel p99 (docs/benchmarks-archive.md). Nobody scraping costs nothing. JVM, HikariCP
 * and API thread pool metrics come from Micrometer's own binders.
 *
 * <p>Over 250 lines because every meter the server exposes is declared here, once, with its name, description and tags,
 * so that /metrics reads as one list.
 */
public final class Metrics implements RunCanceller.CancellationListener, AutoCloseable {

    private static final String STARTED = "exprun.metrics.started";

    /** The HTTP methods that get their own label value; anything else a client invents is counted as "other". */
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    /** Status codes this server answers; any other code is labelled by its class ("4xx"). */
    private static final Set<Integer> STATUSES = Set.of(
            200, 204, 304, 400, 401, 404, 405, 406, 408, 409, 412, 413, 414, 415, 417, 422, 429, 431, 500, 501, 503,
            505);
    /** Latency buckets an SLO is written against: a handful, not the ~70 of a percentile histogram per series. */
    private static final Duration[] SLO_BUCKETS = Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter cancellations;
    private final Counter runsDeleted;
    private final Counter resultsDeleted;
    private final Counter keysDeleted;
    private final Timer retentionBatches;
    private final RunStore store;
    private final SpecOperations spec;
    private final Map<Method, String> operations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService counter;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile Map<LifecycleStatus, Long> counts = Map.of();
    private volatile long countedAt = System.nanoTime();
    private volatile long nextCountAt = System.nanoTime();
    private final AtomicBoolean counting = new AtomicBoolean();

    public Metrics(RunStore store, SpecOperations spec, Database database) {
        this.store = store;
        this.spec = spec;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        database.pool().setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        Gauge.builder("exprun.run.counts.age", () -> (System.nanoTime() - countedAt) / 1e9)
                .baseUnit("seconds")
                .description("Age of the exprun_runs counts (they stay as they were while the database is down)")
                .register(registry);
        this.cancellations = Counter.builder("exprun.cancellations")
                .description("Runs cancelled through the API")
                .register(registry);
        this.runsDeleted = Counter.builder("exprun.retention.runs.deleted")
                .description("Terminal runs deleted by this instance's retention sweeper (EXPRUN_RETENTION)")
                .register(registry);
        this.resultsDeleted = Counter.builder("exprun.retention.results.deleted")
                .description("Results deleted with their runs by this instance's retention sweeper")
                .register(registry);
        this.keysDeleted = Counter.builder("exprun.retention.idempotency.keys.deleted")
                .description("Expired idempotency keys deleted by this instance's retention sweeper")
                .register(registry);
        this.retentionBatches = Timer.builder("exprun.retention.batch")
                .description("Batches of the retention sweeper that deleted something, by how long their statements "
                        + "ran (on SQLite, how long every write queued behind one waited for it)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        sqliteMeters(database);
        for (LifecycleStatus s : LifecycleStatus.values()) {
            Gauge.builder("exprun.runs", () -> runCounts().getOrDefault(s, 0L))
                    .tag("status", s.wire())
                    .description("Runs by lifecycle status")
                    .register(registry);
        }
        this.counter = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-metrics"));
        counting.set(true); // the first scrape finds counts
        counter.execute(this::refreshCounts);
        Gauge.builder(
                        "exprun.worker.queue.depth",
                        () -> runCounts().getOrDefault(LifecycleStatus.PENDING, 0L)
                                + runCounts().getOrDefault(LifecycleStatus.QUEUED, 0L))
                .description("Runs waiting for a worker (pending + queued)")
                .register(registry);
    }

    /** SQLite's WAL and its one writer (nothing on PostgreSQL): in-memory values, read without the database. */
    private void sqliteMeters(Database database) {
        if (database.walBytes().isEmpty()) {
            return;
        }
        Gauge.builder("exprun.db.wal", () -> database.walBytes().orElse(0))
                .baseUnit("bytes")
                .description("Size of the embedded database's write-ahead log (kept near 16 MB under load, 0 idle)")
                .register(registry);
        FunctionCounter.builder("exprun.db.commits", database, d -> commits(d).commits())
                .description("Durable commits of the embedded database's one writer")
                .register(registry);
        FunctionCounter.builder("exprun.db.writes", database, d -> commits(d).written())
                .description("Writes committed by the embedded database's one writer (per commit: divide by commits)")
                .register(registry);
        Gauge.builder("exprun.db.writes.queued", database, d -> commits(d).queued())
                .description("Writes waiting for the embedded database's one writer")
                .register(registry);
    }

    private static Database.WriterCounts commits(Database database) {
        return database.writerCounts().orElse(new Database.WriterCounts(0, 0, 0));
    }

    private Map<LifecycleStatus, Long> runCounts() {
        return counts;
    }

    /** Asks for fresh counts unless a count is under way or the last one was too recent (see {@link #nextCountIn}). */
    private void countAgainIfDue() {
        if (System.nanoTime() - nextCountAt >= 0 && counting.compareAndSet(false, true)) {
            try {
                counter.execute(this::refreshCounts);
            } catch (RejectedExecutionException closed) {
                counting.set(false); // close() shut the counter down
            }
        }
    }

    /** Runs on the counter thread, only while {@code counting} is set by whoever asked for it. */
    private void refreshCounts() {
        long started = System.nanoTime();
        try {
            Map<LifecycleStatus, Long> fresh = new EnumMap<>(LifecycleStatus.class);
            fresh.putAll(store.countRunsByStatus());
            counts = fresh;
            countedAt = System.nanoTime();
        } catch (RuntimeException e) {
            // the database is down: keep the last counts, their age grows
        } finally {
            long now = System.nanoTime();
            nextCountAt = now + nextCountIn(Duration.ofNanos(now - started)).toNanos();
            counting.set(false);
        }
    }

    /** The share of one thread's time the run counts may take. */
    static final int COUNT_BUDGET_PERCENT = 2;

    /** How soon a scrape may ask for counts again after one that took {@code took}: a second, or longer so counting
     * stays in budget. */
    static Duration nextCountIn(Duration took) {
        Duration inBudget = took.multipliedBy(100 / COUNT_BUDGET_PERCENT);
        return inBudget.compareTo(Duration.ofSeconds(1)) > 0 ? inBudget : Duration.ofSeconds(1);
    }

    /**
     * Open client connections ({@code exprun_connections_open}) and their cap ({@code exprun_connections_max}); the
     * connections closed to make room under it are counted by {@link #closedForRoom}.
     */
    public void connections(java.util.function.IntSupplier open, int cap) {
        Gauge.builder("exprun.connections.open", open::getAsInt)
                .description("Client connections open now")
                .register(registry);
        Gauge.builder("exprun.connections.max", () -> cap)
                .description("The cap on open client connections (EXPRUN_MAX_CONNECTIONS)")
                .register(registry);
    }

    /** Counts a connection that had sent nothing, closed to make room under the cap on open connections. */
    public void closedForRoom() {
        Counter.builder("exprun.connections.closed.for.room")
                .description("Client connections that had sent nothing, closed to make room under"
                        + " EXPRUN_MAX_CONNECTIONS")
                .tag("closed", "silent")
                .register(registry)
                .increment();
    }

    /** Each tenant's queue, waits and refusals ({@link TenantMeters}), per configured tenant. */
    public TenantMeters tenants(java.util.Collection<String> tenants) {
        return new TenantMeters(registry, tenants);
    }

    /** Queue length, active threads and completed tasks of the pool that runs API requests. */
    public void monitor(ExecutorService pool, String name) {
        new ExecutorServiceMetrics(pool, name, List.of()).bindTo(registry);
    }

    @Override
    public void close() {
        counter.shutdownNow();
        gc.close();
    }

    @Override
    public void cancelled(String runId) {
        cancellations.increment();
    }

    /** Counts and times one batch of the retention sweeper. */
    public void retentionDeleted(RetentionStore.Batch batch, Duration took) {
        retentionBatches.record(took);
        runsDeleted.increment(batch.runs());
        resultsDeleted.increment(batch.results());
        keysDeleted.increment(batch.idempotencyKeys());
    }

    /** The JAX-RS piece: the timing filter. */
    public Object[] components() {
        return new Object[] {new RequestTimer()};
    }

    /**
     * The Prometheus text, served at {@code /metrics} by the front door ({@code http/EdgeHandler}) without an API
     * thread: it reads only in-memory values, so operators can scrape an overloaded or database-less server.
     */
    public String scrape() {
        countAgainIfDue();
        return registry.scrape();
    }

    @PreMatching
    @Priority(2)
    final class RequestTimer implements ContainerRequestFilter, ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            request.setProperty(STARTED, System.nanoTime());
        }

        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            Object started = request.getProperty(STARTED);
            if (!(started instanceof Long t)) {
                return;
            }
            requests(
                            operationOf(request),
                            METHODS.contains(request.getMethod()) ? request.getMethod() : "other",
                            response.getStatus())
                    .record(System.nanoTime() - t, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts an answer the front door gave itself (health, metrics, bad targets, overload) with Jersey's. */
    public void answeredAtTheDoor(String method, int status, long nanos) {
        requests("other", METHODS.contains(method) ? method : "other", status).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer requests(String operation, String method, int status) {
        // every label value comes from a closed set: a request cannot create a new time series
        return Timer.builder("http.server.requests")
                .description("HTTP requests by operation and status")
                .tag("operation", operation)
                .tag("method", method)
                .tag("status", STATUSES.contains(status) ? Integer.toString(status) : (status / 100) + "xx")
                .serviceLevelObjectives(SLO_BUCKETS)
                .register(registry);
    }

    /** The spec's operationId of the operation served, else "other" (ops endpoints, unmatched paths). */
    private String operationOf(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ExtendedUriInfo info) {
            ResourceMethod method = info.getMatchedResourceMethod();
            if (method != null && method.getInvocable().getHandlingMethod() != null) {
                Method handling = method.getInvocable().getHandlingMethod();
                return operations.computeIfAbsent(
                        handling,
                        m -> spec.servedBy(m).map(SpecOperations.Operation::id).orElse("other"));
            }
        }
        return "other";
    }
}
