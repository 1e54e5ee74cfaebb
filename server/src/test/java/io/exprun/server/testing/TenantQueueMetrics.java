package io.exprun.server.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The per-tenant series of the front door's fair queues, read from {@code /metrics} (answered without a thread). */
public final class TenantQueueMetrics {

    private TenantQueueMetrics() {}

    /** The value of {@code name{<labels>tenant="<tenant>"}}, else -1. */
    public static double series(Http http, String name, String labels, String tenant) {
        Matcher m = Pattern.compile(
                        "(?m)^" + Pattern.quote(name + "{" + labels + "tenant=\"" + tenant + "\"") + ",?} ([0-9.E]+)$")
                .matcher(http.as(null).get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Requests of {@code tenant} waiting for an API thread. */
    public static double queued(Http http, String tenant) {
        return series(http, "exprun_tenant_queue_depth", "", tenant);
    }

    /** Requests of {@code tenant} refused for {@code reason}. */
    public static double refused(Http http, String tenant, String reason) {
        return series(http, "exprun_tenant_requests_refused_total", "reason=\"" + reason + "\",", tenant);
    }
}
