package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The deployment under test, over the JDK's HttpClient (HTTP/1.1). Every exchange is kept, so that each answer is
 * judged against the spec afterwards and counted in the coverage, whichever check made it.
 */
final class Target {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";
    static final String EXPERIMENTS = "/v1/workflows/experiments";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request and the answer to it. {@code keyLabel} says which key was sent ("main", "other", "none", …). */
    record Exchange(String method, String path, String keyLabel, int status, HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                JsonNode node = JSON.readTree(body);
                return node == null ? MissingNode.getInstance() : node;
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        String errorCode() {
            return json().path("detail").path("code").asText("");
        }

        String lifecycleStatus() {
            return json().path("lifecycle").path("status").asText("");
        }

        @Override
        public String toString() {
            String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
            return method + " " + path + " → " + status + " " + shown;
        }
    }

    /** No answer within the timeout (refused, unresolvable, timed out): names the URL. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String base;
    private final Duration timeout;
    private final HttpClient http;
    private final List<Exchange> exchanges = new ArrayList<>();

    Target(String baseUrl, Duration timeout) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    String baseUrl() {
        return base;
    }

    Duration timeout() {
        return timeout;
    }

    Exchange get(String path, Key key) {
        return send("GET", path, null, key);
    }

    Exchange post(String path, String jsonBody, Key key) {
        return send("POST", path, jsonBody, key);
    }

    /** A key to send (or none): {@code label} names it in reports, never the key itself. */
    record Key(String label, String value) {
        static final Key NONE = new Key("no key", null);
    }

    Exchange send(String method, String path, String jsonBody, Key key) {
        return send(method, path, jsonBody, key, Map.of());
    }

    /**
     * With request headers of the operation's own ({@code Idempotency-Key}, {@code If-Match}, …). Requests may be
     * sent from several threads at once (a wait and the cancel that ends it): only the record of exchanges is shared.
     */
    Exchange send(String method, String path, String jsonBody, Key key, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (key.value() != null) {
            request.header("Authorization", "Bearer " + key.value());
        }
        headers.forEach(request::header);
        if (jsonBody != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException && e.getMessage() == null
                    ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException
                            ? "timed out"
                            : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw new Unreachable(
                    "no answer within " + timeout.toMillis() + " ms to " + method + " " + base + path + " (" + why
                            + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for " + base, e);
        }
        Exchange exchange = new Exchange(
                method,
                path,
                key.label(),
                response.statusCode(),
                response.headers(),
                response.body() == null ? "" : response.body());
        synchronized (exchanges) {
            exchanges.add(exchange);
        }
        return exchange;
    }

    List<Exchange> exchanges() {
        synchronized (exchanges) {
            return List.copyOf(exchanges);
        }
    }
}
