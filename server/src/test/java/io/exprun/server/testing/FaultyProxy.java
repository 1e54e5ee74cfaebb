package io.exprun.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately wrong exprun for the conformance kit's negative controls: a JDK HTTP server on 127.0.0.1:0 that
 * forwards every request to a real exprun and breaks exactly one thing of the answers, so that everything else
 * stays right and the one check that should fail is the one that does. {@link Fault#NONE} is its positive control.
 *
 * <p>Over 250 lines because each fault is a few lines beside the others, and the forwarding they share is one.
 */
public final class FaultyProxy implements AutoCloseable {

    public enum Fault {
        /** Forwards untouched. */
        NONE,
        /** Spells the cancelled status {@code "canceled"}, everywhere. */
        CANCELED_SPELLING,
        /** Answers a second cancel with 200 and the cancelled run, instead of 404 run_not_cancellable. */
        SECOND_CANCEL_200,
        /** Leaves {@code status} out of every lifecycle. */
        NO_STATUS,
        /** Lets the other tenant read the main tenant's runs by id. */
        TENANT_LEAK,
        /** Answers 500 where exprun answers 422 to bad input. */
        SERVER_ERROR_ON_BAD_INPUT,
        /**
         * Answers a delete of an experiment whose run is still active with 204 (and deletes nothing), instead of 409
         * experiment_has_active_run.
         */
        DELETE_WHILE_ACTIVE_204,
        /** Answers that delete with 404 experiment_not_found instead (and deletes nothing). */
        DELETE_WHILE_ACTIVE_404,
        /** Drops the Idempotency-Key header: every create is a new one. */
        IDEMPOTENCY_KEY_DROPPED,
        /** Lets the other tenant read the main tenant's experiments by id. */
        EXPERIMENT_TENANT_LEAK,
        // breaking changes a next version of the server could make (the compatibility matrix's negative controls)
        /**
         * Renames a response field that the spec requires and clients read: {@code timing} becomes {@code timings}.
         * (A field the spec does not require, such as {@code timing.completed_at}, can vanish without a schema
         * noticing; only the pacts and the client's own scenarios would.)
         */
        RENAMED_FIELD,
        /** Drops a lifecycle variant: a queued run is reported as pending. */
        REMOVED_VARIANT,
        /** Changes a 404's code: {@code run_not_found} becomes {@code not_found}. */
        CHANGED_NOT_FOUND_CODE,
        /** Requires a new request field: a create without {@code priority} is refused with 422. */
        NEW_REQUIRED_REQUEST_FIELD,
        /**
         * An ETag that does not change on a transition: one per path, whatever the row's version, honoured as such
         * (If-None-Match with it → 304, If-Match with it lets any change through).
         */
        STALE_ETAG
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    private final String upstream;
    private final Fault fault;
    private final String mainKey;

    public FaultyProxy(URI upstream, Fault fault, String mainKey) throws IOException {
        this.upstream = upstream.toString().replaceAll("/+$", "");
        this.fault = fault;
        this.mainKey = mainKey;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool); // a wait held upstream must not hold up the requests beside it
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Answer(
            int status, String contentType, String challenge, String retryAfter, String body, String etag) {
        Answer(int status, String contentType, String challenge, String retryAfter, String body) {
            this(status, contentType, challenge, retryAfter, body, null);
        }
    }

    /** The conditional headers of a request, forwarded as they came (but by {@link Fault#STALE_ETAG}). */
    private record Conditions(String ifNoneMatch, String ifMatch) {
        static final Conditions NONE = new Conditions(null, null);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String idempotencyKey = fault == Fault.IDEMPOTENCY_KEY_DROPPED
                    ? null
                    : exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            Conditions conditions = new Conditions(
                    exchange.getRequestHeaders().getFirst("If-None-Match"),
                    exchange.getRequestHeaders().getFirst("If-Match"));
            String stale = "\"stale:" + exchange.getRequestURI().getRawPath().hashCode() + "\"";
            if (fault == Fault.STALE_ETAG) {
                if ("GET".equals(method) && stale.equals(conditions.ifNoneMatch())) {
                    exchange.getResponseHeaders().add("ETag", stale);
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                conditions = Conditions.NONE; // its one ETag always matches: no change is ever refused
            }
            Answer answer = fault == Fault.NEW_REQUIRED_REQUEST_FIELD
                            && "POST".equals(method)
                            && target.matches(".*/runs(\\?.*)?")
                            && !body.contains("\"priority\"")
                    ? new Answer(
                            422,
                            "application/json",
                            null,
                            null,
                            "{\"detail\":[{\"loc\":[\"body\",\"priority\"],"
                                    + "\"msg\":\"Field required\",\"type\":\"missing\"}]}")
                    : forward(method, target, auth, body, idempotencyKey, conditions);
            answer = breakIt(method, target, auth, answer);
            if (answer.etag() != null) {
                exchange.getResponseHeaders().add("ETag", fault == Fault.STALE_ETAG ? stale : answer.etag());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            }
            if (answer.challenge() != null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", answer.challenge());
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private Answer breakIt(String method, String target, String auth, Answer a) throws IOException {
        switch (fault) {
            case CANCELED_SPELLING -> {
                return new Answer(
                        a.status(),
                        a.contentType(),
                        a.challenge(),
                        a.retryAfter(),
                        a.body().replaceAll("\"status\"\\s*:\\s*\"cancelled\"", "\"status\":\"canceled\""),
                        a.etag());
            }
            case SECOND_CANCEL_200 -> {
                if (target.endsWith("/cancel")
                        && a.status() == 404
                        && a.body().contains("run_not_cancellable")
                        && a.body().contains("\"cancelled\"")) {
                    String runPath = target.substring(0, target.length() - "/cancel".length());
                    JsonNode run =
                            JSON.readTree(forward("GET", runPath, auth, "").body());
                    ObjectNode cancelled = JSON.createObjectNode();
                    cancelled.set("id", run.get("id"));
                    cancelled.set("lifecycle", run.get("lifecycle"));
                    cancelled.set("timing", run.get("timing"));
                    return new Answer(200, "application/json", null, null, cancelled.toString());
                }
                return a;
            }
            case NO_STATUS -> {
                if (!a.body().startsWith("{")) {
                    return a;
                }
                JsonNode tree = JSON.readTree(a.body());
                tree.findParents("lifecycle").forEach(p -> ((ObjectNode) p.get("lifecycle")).remove("status"));
                return new Answer(
                        a.status(), a.contentType(), a.challenge(), a.retryAfter(), tree.toString(), a.etag());
            }
            case TENANT_LEAK -> {
                boolean otherTenant = auth != null && !auth.endsWith(" " + mainKey);
                if (otherTenant && "GET".equals(method) && a.status() == 404 && target.contains("/runs/")) {
                    return forward(method, target, "Bearer " + mainKey, "");
                }
                return a;
            }
            case RENAMED_FIELD -> {
                return new Answer(
                        a.status(),
                        a.contentType(),
                        a.challenge(),
                        a.retryAfter(),
                        a.body().replace("\"timing\"", "\"timings\""),
                        a.etag());
            }
            case REMOVED_VARIANT -> {
                return new Answer(
                        a.status(),
                        a.contentType(),
                        a.challenge(),
                        a.retryAfter(),
                        a.body().replaceAll("\"status\"\\s*:\\s*\"queued\"", "\"status\":\"pending\""),
                        a.etag());
            }
            case CHANGED_NOT_FOUND_CODE -> {
                return new Answer(
                        a.status(),
                        a.contentType(),
                        a.challenge(),
                        a.retryAfter(),
                        a.body().replace("\"run_not_found\"", "\"not_found\""),
                        a.etag());
            }
            case DELETE_WHILE_ACTIVE_204 -> {
                return "DELETE".equals(method) && a.status() == 409 && a.body().contains("experiment_has_active_run")
                        ? new Answer(204, null, null, null, "")
                        : a;
            }
            case DELETE_WHILE_ACTIVE_404 -> {
                if ("DELETE".equals(method) && a.status() == 409 && a.body().contains("experiment_has_active_run")) {
                    String id = target.substring(target.lastIndexOf('/') + 1);
                    return new Answer(
                            404,
                            "application/json",
                            null,
                            null,
                            "{\"detail\":{\"code\":\"experiment_not_found\",\"message\":\"Experiment " + id
                                    + " not found\",\"details\":{\"experiment_id\":\"" + id + "\"}}}");
                }
                return a;
            }
            case EXPERIMENT_TENANT_LEAK -> {
                boolean otherTenant = auth != null && !auth.endsWith(" " + mainKey);
                if (otherTenant
                        && "GET".equals(method)
                        && a.status() == 404
                        && target.matches("/v1/workflows/experiments/(?!runs|results)[^/?]+")) {
                    return forward(method, target, "Bearer " + mainKey, "");
                }
                return a;
            }
            case SERVER_ERROR_ON_BAD_INPUT -> {
                return a.status() == 422
                        ? new Answer(500, "application/json", null, null, "{\"detail\":\"Internal Server Error\"}")
                        : a;
            }
            default -> {
                return a;
            }
        }
    }

    private Answer forward(String method, String target, String auth, String body) throws IOException {
        return forward(method, target, auth, body, null, Conditions.NONE);
    }

    private Answer forward(
            String method, String target, String auth, String body, String idempotencyKey, Conditions conditions)
            throws IOException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(upstream + target)).timeout(Duration.ofSeconds(90));
        if (conditions.ifNoneMatch() != null) {
            request.header("If-None-Match", conditions.ifNoneMatch());
        }
        if (conditions.ifMatch() != null) {
            request.header("If-Match", conditions.ifMatch());
        }
        if (auth != null) {
            request.header("Authorization", auth);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method,
                body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(null),
                    r.headers().firstValue("WWW-Authenticate").orElse(null),
                    r.headers().firstValue("Retry-After").orElse(null),
                    r.body(),
                    r.headers().firstValue("ETag").orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
