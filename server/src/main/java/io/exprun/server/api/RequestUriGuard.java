package io.exprun.server.api;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Sits in front of Jersey's Grizzly container. A request URI with broken percent-encoding ({@code /runs/%ZZ}) makes
 * the container fail before any JAX-RS code runs, and Grizzly answers 500 with an HTML page. Such a URI names no
 * resource: answer 404 (path) or 422 (query string) in the contract's shapes instead.
 */
public final class RequestUriGuard extends HttpHandler {

    private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final HttpHandler jersey;

    public RequestUriGuard(HttpHandler jersey) {
        this.jersey = jersey;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        String path = request.getRequestURI();
        String query = request.getQueryString();
        if (path != null && BROKEN_ESCAPE.matcher(path).find()) {
            reject(response, 404, "{\"detail\":{\"code\":\"not_found\",\"message\":\"Not found: the path is not "
                    + "validly percent-encoded\",\"details\":{}}}");
        } else if (query != null && BROKEN_ESCAPE.matcher(query).find()) {
            reject(response, 422, "{\"detail\":[{\"loc\":[\"query\"],\"msg\":\"The query string is not validly "
                    + "percent-encoded\",\"type\":\"value_error\",\"input\":null,\"ctx\":{}}]}");
        } else {
            jersey.service(request, response);
        }
    }

    private static void reject(Response response, int status, String json) throws java.io.IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public void start() {
        jersey.start();
    }

    @Override
    public void destroy() {
        jersey.destroy();
    }
}
