package io.exprun.contract;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Test-only JAX-RS filter added to the server under verification (never shipped): keeps a copy of every response
 * body as it is written, so each one can be checked against the spec after the exchange.
 */
public final class ResponseRecorder implements ContainerResponseFilter {

    /** One exchange as the server answered it. */
    public record Exchange(String method, String path, int status, ByteArrayOutputStream body) {
        public String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        String path = "/" + request.getUriInfo().getPath(false);
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        exchanges.add(new Exchange(
                request.getMethod(), query == null ? path : path + "?" + query, response.getStatus(), copy));
        OutputStream original = response.getEntityStream();
        response.setEntityStream(new FilterOutputStream(original) {
            @Override
            public void write(int b) throws IOException {
                copy.write(b);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                copy.write(b, off, len);
                out.write(b, off, len);
            }
        });
    }

    /** Takes every exchange recorded so far. */
    public List<Exchange> drain() {
        List<Exchange> out = new ArrayList<>();
        Exchange e;
        while ((e = exchanges.poll()) != null) {
            out.add(e);
        }
        return out;
    }
}
