package io.exprun.server.http;

import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.RequestIds;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door. Grizzly asks it, on the thread that parsed the request (one of a few, which must never block),
 * where the request should run ({@link #getRequestExecutorProvider()}):
 * <ul>
 *   <li>right there, for what needs no worker: {@code GET /healthz} (liveness never waits for the database or a busy
 *       pool), {@code GET /metrics} (in-memory values only: scrapable under overload), a URI with broken
 *       percent-encoding (404 for the path, 422 for the query, in the contract's shapes), a request target that is no
 *       URI at all (characters a URI cannot hold, a broken or userinfo-carrying authority: 400, where Jersey would
 *       fail building its URI and answer 500), and
 *       a request the API pool has no room for (an immediate 429 with {@code Retry-After} instead of a wait in an
 *       unbounded queue);</li>
 *   <li>otherwise on the API pool, admitted by a semaphore of {@code threads + queue} permits, so admission is exact
 *       and the pool never rejects what Grizzly handed it.</li>
 * </ul>
 * Bodies arrive whole ({@link WholeBodyFilter} holds a request back until its body is complete), so a request on the
 * API pool never waits for a client's bytes. Every answer given here is seen as Jersey's are: an {@code X-Request-Id},
 * a line in the access log ({@code exprun.access}; the probes of /healthz and /metrics at DEBUG) and a count in
 * {@code http_server_requests} ({@link DoorAnswers}).
 */
public final class EdgeHandler extends HttpHandler {

    private static final String AT_THE_DOOR = "exprun.atTheDoor";
    /** Set on a request from an HTTP/1.0 client (seen by Jersey as a request property): its answer must not chunk. */
    public static final String HTTP_1_0 = "exprun.http10";

    private static final Logger access = LoggerFactory.getLogger("exprun.access");
    private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final HttpHandler jersey;
    private final Executor apiPool;
    private final Semaphore admission;
    private final Supplier<String> metrics;
    private final DoorAnswers counted;

    /** Told of every answer given at the door: the metrics count it with Jersey's. */
    @FunctionalInterface
    public interface DoorAnswers {
        void answered(String method, int status, long nanos);
    }

    /**
     * @param apiPool  runs requests on the API threads; must not reject (its queue is unbounded: {@code admission}
     *                 bounds it)
     * @param capacity API threads plus the requests allowed to wait for one
     */
    public EdgeHandler(
            HttpHandler jersey, Executor apiPool, int capacity, Supplier<String> metrics, DoorAnswers counted) {
        this.jersey = jersey;
        this.apiPool = apiPool;
        this.admission = new Semaphore(capacity);
        this.metrics = metrics;
        this.counted = counted;
    }

    private enum Door {
        HEALTH,
        METRICS,
        BAD_TARGET,
        BROKEN_PATH,
        BROKEN_QUERY,
        FULL
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
        return this::executorFor;
    }

    private Executor executorFor(Request request) {
        Door door = atTheDoor(request);
        if (door == null && !admission.tryAcquire()) {
            door = Door.FULL;
        }
        if (door != null) {
            request.setAttribute(AT_THE_DOOR, door);
            return null; // service() runs on this thread, answers at once
        }
        return task -> apiPool.execute(() -> {
            try {
                task.run();
            } finally {
                admission.release();
            }
        });
    }

    private static Door atTheDoor(Request request) {
        String path = request.getRequestURI();
        String query = request.getQueryString();
        String method = request.getMethod().getMethodString();
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        if ("/healthz".equals(path) && read) {
            return Door.HEALTH;
        }
        if ("/metrics".equals(path) && read) {
            return Door.METRICS;
        }
        if (path != null && BROKEN_ESCAPE.matcher(path).find()) {
            return Door.BROKEN_PATH;
        }
        if (query != null && BROKEN_ESCAPE.matcher(query).find()) {
            return Door.BROKEN_QUERY;
        }
        if (!aUri(request)) {
            return Door.BAD_TARGET;
        }
        return null;
    }

    /**
     * Whether Jersey can make a URI of the target: its path and query as sent, and the authority it was addressed to
     * (the Host header, or the authority of an absolute-form target), which must name a host and carry no userinfo
     * (RFC 9110 §4.2.4: a recipient treats userinfo in an http URI as an error).
     */
    private static boolean aUri(Request request) {
        String query = request.getQueryString();
        try {
            // Grizzly has split an absolute-form target already: the path here always starts with '/' ("//x" too)
            new URI("http://localhost" + request.getRequestURI() + (query == null ? "" : "?" + query));
            URI authority = new URI("http://" + request.getServerName() + "/");
            return authority.getHost() != null && authority.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        Object door = request.getAttribute(AT_THE_DOOR);
        if (door == null) {
            if (request.getProtocol() != Protocol.HTTP_1_1) {
                request.setAttribute(HTTP_1_0, Boolean.TRUE);
            }
            jersey.service(request, response);
            return;
        }
        long started = System.nanoTime();
        String id = RequestIds.newId();
        response.setHeader(RequestIds.HEADER, id);
        answerAtTheDoor((Door) door, response);
        String method = request.getMethod().getMethodString();
        counted.answered(method, response.getStatus(), System.nanoTime() - started);
        boolean probe = door == Door.HEALTH || door == Door.METRICS;
        if (probe ? access.isDebugEnabled() : access.isInfoEnabled()) {
            String line = "{} {} {} {}us id={} (at the door)";
            Object[] args = {
                method, request.getRequestURI(), response.getStatus(), (System.nanoTime() - started) / 1_000, id
            };
            if (probe) {
                access.debug(line, args);
            } else {
                access.info(line, args);
            }
        }
    }

    private void answerAtTheDoor(Door door, Response response) throws IOException {
        switch (door) {
            case HEALTH -> answer(response, 200, "application/json", "{\"status\":\"ok\"}");
            case METRICS -> answer(response, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            case BAD_TARGET -> {
                response.setHeader("Connection", "close");
                answer(
                        response,
                        400,
                        "application/json",
                        ErrorResponses.envelopeJson(
                                "bad_request",
                                "The request target is not a valid URI (RFC 3986): percent-encode what it may not contain"));
            }
            case BROKEN_PATH ->
                answer(
                        response,
                        404,
                        "application/json",
                        ErrorResponses.envelopeJson("not_found", "Not found: the path is not validly percent-encoded"));
            case BROKEN_QUERY ->
                answer(
                        response,
                        422,
                        "application/json",
                        ErrorResponses.validationJson(List.of(ErrorResponses.error(
                                List.of("query"),
                                "The query string is not validly percent-encoded",
                                "value_error",
                                null))));
            case FULL -> {
                response.setHeader("Retry-After", "1");
                answer(
                        response,
                        429,
                        "application/json",
                        ErrorResponses.envelopeJson("overloaded", "The server is at capacity; retry after a moment"));
            }
        }
    }

    private static void answer(Response response, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
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
