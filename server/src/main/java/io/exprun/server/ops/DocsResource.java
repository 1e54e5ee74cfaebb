package io.exprun.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.auth.PublicEndpoint;
import io.exprun.server.spec.SpecDocument;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The contract, served: {@code /openapi.yaml} (the very file the code was generated from, taken from the
 * exprun-openapi artifact), {@code /openapi.json} (the same, with {@code servers} pointing at this server), and
 * Swagger UI at {@code /docs} from its webjar (no CDN), showing that spec and only that one.
 * Unauthenticated; "Authorize" in Swagger UI takes the API key for the calls it makes.
 */
@PublicEndpoint
@Path("/")
public final class DocsResource {

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> TYPES = Map.of(
            "js",
            "application/javascript",
            "css",
            "text/css",
            "png",
            "image/png",
            "html",
            "text/html",
            "map",
            "application/json");

    private final byte[] yaml;
    private final String json;
    private final String swaggerUiVersion;

    public DocsResource(SpecDocument spec, ObjectMapper jsonMapper) {
        this.yaml = spec.yaml();
        JsonNode tree = spec.treeCopy();
        // "this server", whatever host and port it is reached on: Swagger UI's "Try it out" calls it
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree)
                .putArray("servers")
                .addObject()
                .put("url", "/");
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

    /**
     * Every name Swagger UI can be entered by, {@code /docs}, {@code /docs/} and the webjar's own
     * {@code /docs/index.html}, is exprun's page: the webjar's stock page loads its stock initializer, which loads
     * petstore.swagger.io's spec from the visitor's browser.
     */
    @GET
    @Path("docs")
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        return Response.ok(PAGE, MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                // the browser itself refuses anything from another host: scripts, styles, images, fetches
                .header(
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; "
                                + "style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
                .build();
    }

    @GET
    @Path("docs/{file: [A-Za-z0-9._-]+}")
    public Response asset(@PathParam("file") String file) {
        switch (file) {
            case "index.html":
                return page();
            case "swagger-initializer.js":
                return Response.ok(INITIALIZER, "application/javascript; charset=utf-8")
                        .build();
            default:
                break;
        }
        InputStream in =
                DocsResource.class.getClassLoader().getResourceAsStream(WEBJAR + swaggerUiVersion + "/" + file);
        if (in == null) {
            throw new NotFoundException();
        }
        String ext = file.substring(file.lastIndexOf('.') + 1);
        return Response.ok(in, TYPES.getOrDefault(ext, MediaType.APPLICATION_OCTET_STREAM))
                .header("Cache-Control", "max-age=86400")
                .build();
    }

    /** No inline script, so that the page's policy can allow scripts from this server only. */
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>exprun API</title>
              <link rel="stylesheet" href="/docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/swagger-ui-bundle.js"></script>
              <script src="/docs/swagger-ui-standalone-preset.js"></script>
              <script src="/docs/swagger-initializer.js"></script>
            </body>
            </html>
            """;

    /**
     * Served in place of the webjar's initializer of the same name. {@code validatorUrl: null}: otherwise Swagger UI
     * shows, on any host but localhost, a badge image fetched from validator.swagger.io; {@code queryConfigEnabled:
     * false}: {@code ?url=} or {@code ?configUrl=} may not make the page load another spec.
     */
    private static final String INITIALIZER = """
            window.onload = function () {
              window.ui = SwaggerUIBundle({
                url: "/openapi.json",
                dom_id: "#swagger-ui",
                deepLinking: true,
                validatorUrl: null,
                queryConfigEnabled: false,
                presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                layout: "StandaloneLayout"
              });
            };
            """;

    private static String webjarVersion() {
        try (InputStream in = DocsResource.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("swagger-ui webjar missing from the classpath", e);
        }
    }
}
