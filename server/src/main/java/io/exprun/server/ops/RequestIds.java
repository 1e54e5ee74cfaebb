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
        String id = idFor(request.getHeaderString(HEADER));
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
        long nanos = started instanceof Long t ? System.nanoTime() - t : -1_000;
        logAnswer(
                request.getMethod(),
                request.getUriInfo().getRequestUri().getRawPath(),
                response.getStatus(),
                nanos,
                id.toString(),
                null);
        MDC.remove("requestId");
    }

    /**
     * The access-log line of one answer, Jersey's or one given in front of it ({@code note} says which, and why): the
     * raw (still percent-encoded) path, what was sent, with no decoded CR/LF to forge a line with. A liveness or
     * metrics probe answered in front of Jersey is logged at DEBUG.
     */
    public static void logAnswer(String method, String rawPath, int status, long nanos, String id, String note) {
        boolean probe = note != null && status == 200;
        if (probe ? access.isDebugEnabled() : access.isInfoEnabled()) {
            String line = note == null ? "{} {} {} {}us id={}" : "{} {} {} {}us id={} ({})";
            Object[] args = {
                method, rawPath == null || rawPath.isEmpty() ? "-" : rawPath, status, nanos / 1_000, id, note
            };
            if (probe) {
                access.debug(line, args);
            } else {
                access.info(line, args);
            }
        }
    }

    /** The caller's id when it is sane, else a fresh one. */
    public static String idFor(String given) {
        return given != null && SANE.matcher(given).matches() ? given : newId();
    }

    /** A UUID-shaped id; correlation needs uniqueness, not SecureRandom's cost on every request. */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
