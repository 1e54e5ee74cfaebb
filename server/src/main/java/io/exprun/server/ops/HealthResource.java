package io.exprun.server.ops;

import io.exprun.server.auth.PublicEndpoint;
import io.exprun.server.store.Database;
import io.exprun.server.store.DatabaseHealth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness and readiness for orchestrators; unauthenticated (outside /v1/). */
@PublicEndpoint
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    private final Database database;

    public HealthResource(Database database) {
        this.database = database;
    }

    /**
     * The process is up and serving HTTP. (The front door, {@code http/EdgeHandler}, answers {@code GET /healthz}
     * itself without a worker thread; this method serves what reaches Jersey, e.g. a HEAD through a proxy.)
     */
    @GET
    @Path("healthz")
    public Map<String, String> live() {
        return Map.of("status", "ok");
    }

    /**
     * Ready to serve the API: the database answered the last background probe (at most a quarter second old, see
     * {@link io.exprun.server.store.DatabaseHealth}). 503 otherwise, with the reason, so load balancers stop sending
     * traffic. Never waits for the database itself.
     * <p>
     * {@code writes} says whether the storage takes writes ({@code failing}, with since when and why, from the first
     * write refused by a full disk or a read-only file system until the next one that commits). It does not make the
     * answer 503: reads are still served, a full disk is not fixed by routing elsewhere, and it is the next write that
     * finds out when space is back, so traffic must keep coming.
     */
    @GET
    @Path("readyz")
    public Response ready() {
        DatabaseHealth.State db = database.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", db.up() ? "ok" : "unavailable");
        body.put("database", db.up() ? "up" : "down");
        body.put("since", db.since().toString());
        if (!db.up()) {
            body.put("reason", db.reason());
        }
        DatabaseHealth.Writes writes = database.writes();
        body.put("writes", writes.failing() ? "failing" : "ok");
        if (writes.failing()) {
            body.put("writes_failing_since", writes.since().toString());
            body.put("writes_reason", writes.reason());
        }
        return Response.status(db.up() ? 200 : 503).entity(body).build();
    }
}
