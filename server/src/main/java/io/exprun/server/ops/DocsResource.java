package io.exprun.server.ops;

import io.exprun.server.spec.SpecDocument;
import io.exprun.server.auth.PublicEndpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The contract, served: {@code /openapi.yaml} (the very file the code was generated from, taken from the
 * exprun-openapi artifact), {@code /openapi.json} (the same, with {@code servers} pointing at this server), and
 * Swagger UI at {@code /docs} from its webjar (no CDN).
 * Unauthenticated; "Authorize" in Swagger UI takes the API key for the calls it makes.
 */
@PublicEndpoint
@Path("/")
public final class DocsResource {

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> TYPES = Map.of(
            "js", "application/javascript", "css", "text/css", "png", "image/png", "html", "text/html",
            "map", "application/json");

    private final byte[] yaml;
    private final String json;
    private final String swaggerUiVersion;

    public DocsResource(SpecDocument spec, ObjectMapper jsonMapper) {
        this.yaml = spec.yaml();
        JsonNode tree = spec.treeCopy();
        // "this server", whatever host and port it is reached on: Swagger UI's "Try it out" calls it
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).putArray("servers").addObject().put("url", "/");
        try {
            this.json = jsonMapper.writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the spec's tree cannot be written as JSON", e);
        }
        this.swaggerUiVersion = webjarVersion();
    }

    @GET
    @Path("openapi.yaml")
    @Produces("application/yaml")
    public byte[] yaml() {
        return yaml;
    }

    @GET
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public String json() {
        return json;
    }

    @GET
    @Path("docs")
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>exprun API</title>
                  <link rel="stylesheet" href="/docs/swagger-ui.css">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="/docs/swagger-ui-bundle.js"></script>
                  <script src="/docs/swagger-ui-standalone-preset.js"></script>
                  <script>
                    window.ui = SwaggerUIBundle({
                      url: "/openapi.json",
                      dom_id: "#swagger-ui",
                      deepLinking: true,
                      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                      layout: "StandaloneLayout"
                    });
                  </script>
                </body>
                </html>
                """;
    }

    @GET
    @Path("docs/{file: [A-Za-z0-9._-]+}")
    public Response asset(@PathParam("file") String file) {
        InputStream in = DocsResource.class.getClassLoader().getResourceAsStream(WEBJAR + swaggerUiVersion + "/" + file);
        if (in == null) {
            throw new NotFoundException();
        }
        String ext = file.substring(file.lastIndexOf('.') + 1);
        return Response.ok(in, TYPES.getOrDefault(ext, MediaType.APPLICATION_OCTET_STREAM))
                .header("Cache-Control", "max-age=86400").build();
    }

    private static String webjarVersion() {
        try (InputStream in = DocsResource.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("swagger-ui webjar missing from the classpath", e);
        }
    }
}
