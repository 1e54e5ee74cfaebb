package io.exprun.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * Fair shares in the metrics, per configured tenant and bound (e.g. "requests", "lists"): requests refused for a bound
 * ({@code exprun_tenant_requests_refused_total}) and its permits held ({@code exprun_tenant_requests_in_progress}).
 * Tenants come from the configuration, so the {@code tenant} label has as many values as there are tenants, never one
 * a request could invent.
 */
public final class TenantShareMeters {

    private final MeterRegistry registry;
    private final List<String> tenants;
    private final Map<String, Counter> refused;

    TenantShareMeters(MeterRegistry registry, Collection<String> tenants, Collection<String> bounds) {
        this.registry = registry;
        this.tenants = List.copyOf(new TreeSet<>(tenants));
        Map<String, Counter> counters = new HashMap<>();
        for (String tenant : this.tenants) {
            for (String bound : bounds) {
                counters.put(
                        key(tenant, bound),
                        Counter.builder("exprun.tenant.requests.refused")
                                .tag("tenant", tenant)
                                .tag("bound", bound)
                                .description("Requests refused with 429 because their tenant was at this bound")
                                .register(registry));
            }
        }
        this.refused = Map.copyOf(counters);
    }

    /** Shows, per configured tenant, the permits of {@code bound} its requests hold, as {@code inProgress} says. */
    public void inProgress(String bound, ToIntFunction<String> inProgress) {
        for (String tenant : tenants) {
            Gauge.builder("exprun.tenant.requests.in.progress", () -> inProgress.applyAsInt(tenant))
                    .tag("tenant", tenant)
                    .tag("bound", bound)
                    .description("Fair-share permits of this bound the tenant's requests hold")
                    .register(registry);
        }
    }

    private static String key(String tenant, String bound) {
        return tenant + "\n" + bound;
    }

    /** Counts one request of {@code tenant} refused for {@code bound}; a pair not configured is not counted. */
    public void refused(String tenant, String bound) {
        Counter c = refused.get(key(tenant, bound));
        if (c != null) {
            c.increment();
        }
    }
}
