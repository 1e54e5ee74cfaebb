package io.exprun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ceiling: the same Jersey on the same Grizzly with the same Jackson, on exprun's own routes
 * ({@code POST …/runs/{id}/cancel}, {@code GET …/runs/{id}}, {@code POST …/runs}), answering a constant body (a real exprun answer captured
 * by the benchmark script, so the sizes match) with no database, no auth, no mapping. Run in its own process, one
 * per measured endpoint; the load generator's scripts are the very ones used against exprun.
 */
@Command(name = "ceiling", description = "Serve constant JSON on exprun's cancel and get-run routes (the ceiling).")
final class CeilingServer implements Callable<Integer> {

    private static JsonNode cancelBody;
    private static JsonNode getBody;
    private static JsonNode createBody;

    @Option(names = "--port", required = true, description = "port on 127.0.0.1")
    int port;

    @Option(names = "--cancel-body", required = true, description = "file with the JSON answered by POST …/cancel")
    java.nio.file.Path cancelBodyFile;

    @Option(names = "--get-body", required = true, description = "file with the JSON answered by GET …/runs/{id}")
    java.nio.file.Path getBodyFile;

    @Option(names = "--create-body", description = "file with the JSON answered by POST …/runs (default: the get body)")
    java.nio.file.Path createBodyFile;

    @Option(names = "--workers", defaultValue = "16", description = "Grizzly worker threads (exprun's default: 16)")
    int workers;

    @Path("v1/workflows/experiments/runs")
    public static final class ConstantCreate {
        @POST
        @Produces("application/json")
        public JsonNode create(String body) {
            return createBody;
        }
    }

    @Path("v1/workflows/experiments/runs/{id}")
    public static final class ConstantRun {
        @POST
        @Path("cancel")
        @Produces("application/json")
        public JsonNode cancel(@PathParam("id") String id) {
            return cancelBody;
        }

        @GET
        @Produces("application/json")
        public JsonNode get(@PathParam("id") String id) {
            return getBody;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        cancelBody = json.readTree(Files.readString(cancelBodyFile));
        getBody = json.readTree(Files.readString(getBodyFile));
        createBody = createBodyFile == null ? getBody : json.readTree(Files.readString(createBodyFile));
        ResourceConfig app = new ResourceConfig(ConstantRun.class, ConstantCreate.class)
                .register(JacksonFeature.withoutExceptionMappers())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        HttpServer server =
                GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"), app, false);
        // the same worker pool as exprun's (ExprunServer: as many threads as database connections, 16 by default), so
        // the two differ only in what the request does
        for (var listener : server.getListeners()) {
            listener.getTransport()
                    .setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                            .setPoolName("ceiling-http")
                            .setCorePoolSize(workers)
                            .setMaxPoolSize(workers));
        }
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            stopped.countDown();
        }));
        System.out.println("ceiling listening on http://127.0.0.1:" + port + "/");
        stopped.await();
        return 0;
    }
}
