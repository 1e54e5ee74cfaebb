package io.exprun.server.ops;

import io.exprun.server.auth.PublicEndpoint;
import io.exprun.server.store.Database;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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

    /** The process is up and serving HTTP. */
    @GET
    @Path("healthz")
    public Map<String, String> live() {
        return Map.of("status", "ok");
    }

    /** Ready to serve the API: the database answers. 503 otherwise, so load balancers stop sending traffic. */
    @GET
    @Path("readyz")
    public Response ready() {
        boolean up = database.isReachable();
        return Response.status(up ? 200 : 503)
                .entity(Map.of("status", up ? "ok" : "unavailable", "database", up ? "up" : "down"))
                .build();
    }
}
