package io.exprun.bench;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The ceiling: the same Jersey on the same Grizzly, answering a constant JSON body of a given size with no database,
 * no auth, no mapping. What exprun's endpoints are measured against. Started by the benchmark only.
 */
final class CeilingServer implements AutoCloseable {

    private static byte[] body;
    private final HttpServer server;

    @Path("ceiling")
    public static final class Constant {
        @POST
        @Produces("application/json")
        public byte[] post() {
            return body;
        }

        @GET
        @Produces("application/json")
        public byte[] get() {
            return body;
        }
    }

    CeilingServer(int bodyBytes) {
        StringBuilder json = new StringBuilder("{\"padding\":\"");
        while (json.length() < bodyBytes - 2) {
            json.append('x');
        }
        json.append("\"}");
        body = json.toString().getBytes(StandardCharsets.UTF_8);
        ResourceConfig app = new ResourceConfig(Constant.class).property(ServerProperties.WADL_FEATURE_DISABLE, true);
        server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), app);
    }

    int port() {
        return server.getListeners().iterator().next().getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
