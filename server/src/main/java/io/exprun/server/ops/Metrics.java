package io.exprun.server.ops;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.store.RunStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.Priority;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (Micrometer), scraped at {@code /metrics} without a key: request latency histograms by operation
 * and status ({@code http_server_requests_seconds}), runs by lifecycle status ({@code exprun_runs}), cancellations
 * ({@code exprun_cancellations_total}) and the work waiting for a worker ({@code exprun_worker_queue_depth}).
 * The run counts come from one GROUP BY per scrape (cached for a second), never from the request path.
 */
public final class Metrics implements RunCanceller.CancellationListener {

    private static final String STARTED = "exprun.metrics.started";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter cancellations;
    private final RunStore store;
    private volatile Map<LifecycleStatus, Long> counts = Map.of();
    private volatile long countedAt;

    public Metrics(RunStore store) {
        this.store = store;
        this.cancellations = Counter.builder("exprun.cancellations").description("Runs cancelled through the API")
                .register(registry);
        for (LifecycleStatus s : LifecycleStatus.values()) {
            Gauge.builder("exprun.runs", () -> runCounts().getOrDefault(s, 0L)).tag("status", s.wire())
                    .description("Runs by lifecycle status").register(registry);
        }
        Gauge.builder("exprun.worker.queue.depth", () -> runCounts().getOrDefault(LifecycleStatus.PENDING, 0L)
                        + runCounts().getOrDefault(LifecycleStatus.QUEUED, 0L))
                .description("Runs waiting for a worker (pending + queued)").register(registry);
    }

    private Map<LifecycleStatus, Long> runCounts() {
        long now = System.nanoTime();
        if (now - countedAt > TimeUnit.SECONDS.toNanos(1)) {
            Map<LifecycleStatus, Long> fresh = new EnumMap<>(LifecycleStatus.class);
            fresh.putAll(store.countRunsByStatus());
            counts = fresh;
            countedAt = now;
        }
        return counts;
    }

    @Override
    public void cancelled(String runId) {
        cancellations.increment();
    }

    /** The JAX-RS pieces: the timing filter and the scrape endpoint. */
    public Object[] components() {
        return new Object[]{new RequestTimer(), new ScrapeResource(registry)};
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
            Timer.builder("http.server.requests")
                    .description("HTTP requests by operation and status")
                    .tag("operation", operationOf(request))
                    .tag("method", request.getMethod())
                    .tag("status", Integer.toString(response.getStatus()))
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry)
                    .record(System.nanoTime() - t, TimeUnit.NANOSECONDS);
        }
    }

    /** The operationId of the spec operation served (the generated method name in snake case), else "other". */
    private static String operationOf(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ExtendedUriInfo info) {
            ResourceMethod method = info.getMatchedResourceMethod();
            if (method != null && method.getInvocable().getDefinitionMethod() != null) {
                return method.getInvocable().getDefinitionMethod().getName()
                        .replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "other";
    }

    @Path("metrics")
    public static final class ScrapeResource {
        private final PrometheusMeterRegistry registry;

        ScrapeResource(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @GET
        @Produces("text/plain; version=0.0.4; charset=utf-8")
        public String scrape() {
            return registry.scrape();
        }
    }
}
