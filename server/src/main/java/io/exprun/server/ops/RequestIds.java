package io.exprun.server.ops;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every response carries {@code X-Request-Id}: the caller's own when it sent a sane one (1–64 of {@code [A-Za-z0-9._-]}),
 * a fresh one otherwise. One access-log line per request (logger {@code exprun.access}) names method, path, status,
 * duration and request id; never a header value, so API keys never reach the log. The method is written as sent, so
 * it goes through the escaping of every log line (see {@link LogEscaping}).
 */
@PreMatching
@Priority(1)
public final class RequestIds implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-Request-Id";
    private static final String STARTED = "exprun.started";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Logger access = LoggerFactory.getLogger("exprun.access");

    @Override
    public void filter(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : newId();
        request.setProperty(HEADER, id);
        request.setProperty(STARTED, System.nanoTime());
        MDC.put("requestId", id);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(HEADER);
        if (id == null) { // the request failed before the pre-matching filter ran
            id = newId();
        }
        response.getHeaders().putSingle(HEADER, id);
        Object started = request.getProperty(STARTED);
        long micros = started instanceof Long t ? (System.nanoTime() - t) / 1_000 : -1;
        if (access.isInfoEnabled()) {
            // the raw (still percent-encoded) path: what was sent, and no decoded CR/LF to forge a line with
            access.info(
                    "{} {} {} {}us id={}",
                    request.getMethod(),
                    request.getUriInfo().getRequestUri().getRawPath(),
                    response.getStatus(),
                    micros,
                    id);
        }
        MDC.remove("requestId");
    }

    /** A UUID-shaped id; correlation needs uniqueness, not SecureRandom's cost on every request. */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
