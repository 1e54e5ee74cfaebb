package io.exprun.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Each tenant's share of the server in the metrics: its requests waiting for an API thread
 * ({@code exprun_tenant_queue_depth}), how long they waited ({@code exprun_tenant_queue_wait_seconds}, a histogram),
 * its waits for a run in progress ({@code exprun_tenant_waits_in_progress}) and its requests refused, by reason
 * ({@code exprun_tenant_requests_refused_total}: {@code queue_full}, {@code waited_too_long}, {@code database_down},
 * {@code waits}). Tenants come from the configuration, plus {@link #UNAUTHENTICATED}, the one flow of every request
 * without a known key, so the {@code tenant} label has as many values as there are tenants, never one a request could
 * invent.
 */
public final class TenantMeters {

    /** The label of requests without a known key: they share one queue. */
    public static final String UNAUTHENTICATED = "(unauthenticated)";
    /** The reasons a request is refused, each a value of the {@code reason} label. */
    public static final List<String> REASONS = List.of("queue_full", "waited_too_long", "database_down", "waits");

    private static final Duration[] WAIT_BUCKETS = java.util.stream.Stream.of(
                    1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final List<String> tenants;
    private final Map<String, Counter> refused;
    private final Map<String, Timer> waited;

    public TenantMeters(MeterRegistry registry, Collection<String> tenants) {
        this.registry = registry;
        TreeSet<String> labels = new TreeSet<>(tenants);
        labels.add(UNAUTHENTICATED);
        this.tenants = List.copyOf(labels);
        Map<String, Counter> counters = new HashMap<>();
        Map<String, Timer> timers = new HashMap<>();
        for (String tenant : this.tenants) {
            for (String reason : REASONS) {
                counters.put(
                        key(tenant, reason),
                        Counter.builder("exprun.tenant.requests.refused")
                                .tag("tenant", tenant)
                                .tag("reason", reason)
                                .description("Requests of this tenant refused (429, or 503 while the database is down)")
                                .register(registry));
            }
            timers.put(
                    tenant,
                    Timer.builder("exprun.tenant.queue.wait")
                            .tag("tenant", tenant)
                            .description("How long this tenant's requests waited for an API thread")
                            .serviceLevelObjectives(WAIT_BUCKETS)
                            .register(registry));
        }
        this.refused = Map.copyOf(counters);
        this.waited = Map.copyOf(timers);
    }

    /** Shows, per tenant, its requests waiting for an API thread, as {@code depth} says. */
    public void queueDepth(ToIntFunction<String> depth) {
        perTenant("exprun.tenant.queue.depth", "Requests of this tenant waiting for an API thread", depth);
    }

    /** Shows, per tenant, its waits for a run in progress, as {@code inProgress} says. */
    public void waitsInProgress(ToIntFunction<String> inProgress) {
        perTenant("exprun.tenant.waits.in.progress", "Waits for a run this tenant has in progress", inProgress);
    }

    private void perTenant(String name, String description, ToIntFunction<String> value) {
        for (String tenant : tenants) {
            Gauge.builder(name, () -> value.applyAsInt(tenant))
                    .tag("tenant", tenant)
                    .description(description)
                    .register(registry);
        }
    }

    private static String key(String tenant, String reason) {
        return tenant + "\n" + reason;
    }

    /** Times one request of {@code tenant} that waited {@code nanos} for an API thread (0: one was free). */
    public void waited(String tenant, long nanos) {
        Timer t = waited.get(tenant);
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts one request of {@code tenant} refused for {@code reason}; one not configured is not counted. */
    public void refused(String tenant, String reason) {
        Counter c = refused.get(key(tenant, reason));
        if (c != null) {
            c.increment();
        }
    }
}
