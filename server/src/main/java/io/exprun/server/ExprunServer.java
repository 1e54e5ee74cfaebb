package io.exprun.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.api.ClientLeft;
import io.exprun.server.api.ConstraintViolations;
import io.exprun.server.api.ContentEncodingFilter;
import io.exprun.server.api.EmptyErrorBodies;
import io.exprun.server.api.EntityTags;
import io.exprun.server.api.ExceptionMappers;
import io.exprun.server.api.ExperimentResultsResource;
import io.exprun.server.api.ExperimentRunsResource;
import io.exprun.server.api.ExperimentsResource;
import io.exprun.server.api.LocalDateParamConverter;
import io.exprun.server.api.ModelMapper;
import io.exprun.server.api.RepeatedQueryParameters;
import io.exprun.server.api.UnstorableTextFilter;
import io.exprun.server.api.WholeAnswers;
import io.exprun.server.auth.ApiKeys;
import io.exprun.server.auth.BearerAuthFilter;
import io.exprun.server.auth.KeyRequiredFeature;
import io.exprun.server.auth.TenantWaits;
import io.exprun.server.config.CatalogLoader;
import io.exprun.server.config.ConnectionCap;
import io.exprun.server.config.DaemonThreads;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.ExperimentCatalog;
import io.exprun.server.domain.ExperimentService;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.domain.RunService;
import io.exprun.server.domain.RunWaits;
import io.exprun.server.http.EdgeHandler;
import io.exprun.server.http.FrontDoor;
import io.exprun.server.ops.DocsResource;
import io.exprun.server.ops.HealthResource;
import io.exprun.server.ops.LogEscaping;
import io.exprun.server.ops.Metrics;
import io.exprun.server.ops.RequestIds;
import io.exprun.server.ops.TenantMeters;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.spec.SpecDocument;
import io.exprun.server.spec.SpecOperations;
import io.exprun.server.store.Database;
import io.exprun.server.store.JdbiExperimentStore;
import io.exprun.server.store.JdbiIdempotencyKeys;
import io.exprun.server.store.JdbiRetention;
import io.exprun.server.store.JdbiRunStore;
import io.exprun.server.store.JdbiWorkerStore;
import io.exprun.server.store.StoredForms;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.BlockExecutors;
import io.exprun.server.work.RetentionSweeper;
import io.exprun.server.work.RunWorkers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * exprun wired together: database → store → domain → Jersey resources on Jetty, plus the workers.
 * {@link Main} starts it from the environment; tests start it with a {@link ServerConfig} of their own.
 *
 * <p>Over 250 lines because it is the one place where everything is wired, in the order a request meets it; each
 * piece it wires is built and explained in its own class.
 */
public final class ExprunServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExprunServer.class);

    private final Database database;
    private final JdbiRunStore store;
    private final JdbiWorkerStore workerStore;
    private final RunService runService;
    private final RunCanceller canceller;
    private final RunWorkers workers;
    private final RunWaits waits;
    private final TenantWaits tenantWaits;
    private final ScheduledExecutorService waitTimer;
    private final ExecutorService waitReads;
    private final Metrics metrics;
    private final RetentionSweeper retention;
    private final Server http;
    private final ThreadPoolExecutor apiPool;
    private final URI baseUri;
    private final String instanceId;

    private ExprunServer(ServerConfig config, BlockExecutor executor, List<Object> extraComponents, Clock wallClock)
            throws IOException {
        if (!SLF4JBridgeHandler.isInstalled()) {
            // Jersey logs through java.util.logging: route it to the same place as ours
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        int connectionCap = ConnectionCap.of(config); // before the pool opens: counts what start-up holds open
        ObjectMapper json = JsonMapper.shared();
        StoredForms forms = StoredForms.forBodiesUpTo(json, JsonMapper.MAX_BODY_BYTES);
        ExperimentCatalog catalog = CatalogLoader.load(config.catalog(), json);
        this.instanceId = ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.database = Database.open(
                config.dbUrl(),
                config.dbUser(),
                config.dbPassword(),
                config.dbPoolSize(),
                config.limits(),
                config.isEmbeddedDb());
        try {
            // millisecond ticks: what the API returns right after a write equals what the store gives back later
            Clock clock = Clock.tick(wallClock, java.time.Duration.ofMillis(1));
            this.store = new JdbiRunStore(database.sql(), forms, JdbiRunStore.groupCancelsByDefault(), clock);
            this.workerStore = new JdbiWorkerStore(database.sql(), forms, clock);
            if (database.isEmbedded()) {
                // only this process uses the embedded database: whatever was in flight when it last died is ours to
                // resume
                int recovered = workerStore.requeueInterrupted();
                if (recovered > 0) {
                    log.info("re-queued {} run(s) interrupted by the previous shutdown", recovered);
                }
            }
            // waits for runs to end: a timer for their timeouts and polls, a thread per core (at least 2) for the reads
            // and the answers (a run's end answers all its waits at once: 200 answers to write)
            this.waitTimer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-wait-timer"));
            this.waitReads = Executors.newFixedThreadPool(
                    Math.max(2, Runtime.getRuntime().availableProcessors()), DaemonThreads.numbered("exprun-wait"));
            this.waits = new RunWaits(store, waitTimer, waitReads);
            this.workers = new RunWorkers(workerStore, executor, config.lease(), instanceId, waits::changed);
            SpecDocument contract = SpecDocument.load();
            SpecOperations spec = SpecOperations.of(contract);
            this.metrics = new Metrics(store, spec, database);
            this.canceller = new RunCanceller(store, runId -> {
                workers.cancelled(runId);
                metrics.cancelled(runId);
                waits.changed(runId);
            });
            this.retention = new RetentionSweeper(
                    new JdbiRetention(database.sql()), config.retention(), clock, metrics::retentionDeleted);
            JdbiExperimentStore experimentStore = new JdbiExperimentStore(database.sql(), forms);
            seedCatalog(experimentStore, catalog, config.apiKeys().values());
            this.runService = new RunService(
                    store, JdbiIdempotencyKeys.ofRuns(database.sql()), experimentStore, clock, workers::nudge);
            ExperimentService experiments = new ExperimentService(
                    experimentStore, store, JdbiIdempotencyKeys.ofExperiments(database.sql()), clock);
            ModelMapper mapper = new ModelMapper(json);
            TenantMeters tenantMeters = metrics.tenants(config.apiKeys().values());
            this.tenantWaits = new TenantWaits(
                    config.apiKeys().values(),
                    config.limits().tenantMaxWaits(),
                    tenant -> tenantMeters.refused(tenant, "waits"));
            tenantMeters.waitsInProgress(tenantWaits::inProgress);
            ApiKeys apiKeys = new ApiKeys(config.apiKeys());

            ResourceConfig app = new ResourceConfig()
                    .register(new ExperimentRunsResource(runService, canceller, mapper, waits))
                    .register(new ExperimentResultsResource(runService, mapper))
                    .register(new ExperimentsResource(experiments, forms))
                    .register(JacksonFeature.withoutExceptionMappers())
                    .register(JsonMapper.class)
                    .register(LocalDateParamConverter.class)
                    .register(new KeyRequiredFeature(spec, new BearerAuthFilter(apiKeys), tenantWaits))
                    .register(tenantWaits.releaser())
                    .register(new ConstraintViolations(json))
                    .register(new ContentEncodingFilter())
                    .register(new ClientLeft())
                    .register(new WholeAnswers())
                    .register(new UnstorableTextFilter(json))
                    .register(new RepeatedQueryParameters())
                    .register(new EmptyErrorBodies())
                    .register(new RequestIds())
                    .register(new EntityTags())
                    .register(new HealthResource(database))
                    .register(new DocsResource(contract, json))
                    .property(ServerProperties.WADL_FEATURE_DISABLE, true);
            ExceptionMappers.all().forEach(app::register);
            for (Object component : metrics.components()) {
                app.register(component);
            }
            extraComponents.forEach(app::register);

            JettyHttpContainer jersey = ContainerFactory.createContainer(JettyHttpContainer.class, app);
            // requests block on the database (a commit waits for its write): as many API threads as connections.
            // The edge runs at most that many at once; the rest wait in their tenant's queue (EXPRUN_TENANT_QUEUE).
            this.apiPool = new ThreadPoolExecutor(
                    config.dbPoolSize(),
                    config.dbPoolSize(),
                    60,
                    TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    DaemonThreads.numbered("exprun-http"));
            metrics.monitor(apiPool, "exprun-http");
            EdgeHandler edge = new EdgeHandler(
                    jersey,
                    apiPool,
                    config.limits(),
                    metrics,
                    apiKeys,
                    spec.pagePaths(),
                    () -> database.health().up(),
                    tenantMeters);
            this.http = FrontDoor.start(config.bind(), config.port(), connectionCap, edge, metrics);
            int port = ((NetworkConnector) http.getConnectors()[0]).getLocalPort();
            this.baseUri = URI.create("http://" + config.bind() + ":" + port + "/");
            workers.start(config.workers());
            retention.start();
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public static ExprunServer start(ServerConfig config) throws IOException {
        return start(config, BlockExecutors.forConfig(config), List.of());
    }

    /** @param extraComponents JAX-RS providers to add (tests use this to observe responses) */
    public static ExprunServer start(ServerConfig config, BlockExecutor executor, List<Object> extraComponents)
            throws IOException {
        return start(config, executor, extraComponents, Clock.systemUTC());
    }

    /**
     * @param wallClock the clock of every time stamp (creations, transitions, retention's ages); never of a wait, a
     *     lease or a pause, which are measured on the monotonic clock. Tests step it to show that no time runs
     *     backwards.
     */
    public static ExprunServer start(
            ServerConfig config, BlockExecutor executor, List<Object> extraComponents, Clock wallClock)
            throws IOException {
        return new ExprunServer(config, executor, extraComponents, wallClock);
    }

    public URI baseUri() {
        return baseUri;
    }

    /** Each tenant with a key gets the catalog's experiments, once (the demo's seed data). */
    private static void seedCatalog(
            JdbiExperimentStore experiments, ExperimentCatalog catalog, java.util.Collection<String> tenants) {
        for (String tenant : new java.util.TreeSet<>(tenants)) {
            int added = experiments.seed(tenant, catalog.all());
            if (added > 0) {
                log.info("gave tenant {} the catalog's {} experiment(s)", LogEscaping.escape(tenant), added);
            }
        }
    }

    /** The runs' store, the API's side. */
    public JdbiRunStore store() {
        return store;
    }

    /** The workers' side of the store: tests drive runs into any state through it. */
    public JdbiWorkerStore workerStore() {
        return workerStore;
    }

    public RunService runService() {
        return runService;
    }

    public RunCanceller canceller() {
        return canceller;
    }

    /** The tenants' waits for runs (tests read the permits in use). */
    public TenantWaits tenantWaits() {
        return tenantWaits;
    }

    /** The waits for runs to end (tests count them). */
    public RunWaits waits() {
        return waits;
    }

    public Database database() {
        return database;
    }

    /** The retention sweeper: tests sweep with {@code sweepOnce()} instead of waiting for the interval. */
    public RetentionSweeper retention() {
        return retention;
    }

    public String instanceId() {
        return instanceId;
    }

    /** Stops taking requests, lets in-flight ones finish, stops the workers and the sweeper, closes the pool. */
    @Override
    public void close() {
        waits.close(); // every wait answered with its run as it is now: nothing holds the shutdown up
        try {
            http.setStopTimeout(5_000);
            http.stop();
        } catch (Exception e) {
            log.warn("the HTTP server did not stop cleanly: {}", LogEscaping.escape(String.valueOf(e)));
        }
        apiPool.shutdown();
        workers.close();
        waitTimer.shutdownNow();
        waitReads.shutdown();
        retention.close();
        metrics.close();
        database.close();
    }
}
