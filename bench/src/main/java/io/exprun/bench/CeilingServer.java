package io.exprun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ceiling: the same Jersey with the same Jackson on Jetty 12, stock, on exprun's own routes
 * ({@code POST …/runs/{id}/cancel}, {@code GET …/runs/{id}}, {@code POST …/runs}), answering a constant body (a real exprun answer captured
 * by the benchmark script, so the sizes match) with no database, no auth, no mapping, no edge. Run in its own process,
 * one per measured endpoint; the load generator's scripts are the very ones used against exprun. Two containers:
 * {@code jetty}, Jersey's container as a Jetty core handler (what exprun runs on), and {@code servlet}, Jersey's
 * servlet in Jetty's EE10 servlet container (the alternative it was chosen over; bench/run-ceilings.sh compares them).
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

    @Option(
            names = "--container",
            defaultValue = "jetty",
            description =
                    "jetty (Jersey's Jetty 12 core container, exprun's) or servlet (Jetty's EE10 servlet container)")
    String container;

    @Option(names = "--create-body", description = "file with the JSON answered by POST …/runs (default: the get body)")
    java.nio.file.Path createBodyFile;

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
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        cancelBody = json.readTree(Files.readString(cancelBodyFile));
        getBody = json.readTree(Files.readString(getBodyFile));
        createBody = createBodyFile == null ? getBody : json.readTree(Files.readString(createBodyFile));
        ResourceConfig app = new ResourceConfig(ConstantRun.class, ConstantCreate.class)
                .register(JacksonFeature.withoutExceptionMappers())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        Server server = new Server(); // Jetty's stock thread pool: the ceiling is the container as it comes
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler(app));
        server.start();
        System.out.println("ceiling (" + container + ") listening on http://127.0.0.1:" + port + "/");
        server.join();
        return 0;
    }

    private Handler handler(ResourceConfig app) {
        switch (container) {
            case "jetty":
                return ContainerFactory.createContainer(JettyHttpContainer.class, app);
            case "servlet":
                ServletContextHandler context = new ServletContextHandler("/");
                ServletHolder jersey = new ServletHolder(new ServletContainer(app));
                jersey.setAsyncSupported(true);
                context.addServlet(jersey, "/*");
                return context;
            default:
                throw new IllegalArgumentException("--container is jetty or servlet, not " + container);
        }
    }
}
