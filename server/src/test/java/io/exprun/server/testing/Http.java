package io.exprun.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.spec.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny real HTTP client for tests: JDK HttpClient over HTTP/1.1, answers parsed with the server's ObjectMapper. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final String key;

    public Http(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    public Http as(String otherKey) {
        return new Http(base, otherKey);
    }

    public Answer get(String path) {
        return send(builder(path).GET());
    }

    public Answer post(String path) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer postJson(String path, String json) {
        return send(builder(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Sent without waiting for the answer (a wait, many at once): the client's own threads, none per request. */
    public java.util.concurrent.CompletableFuture<Answer> sendAsync(HttpRequest.Builder request) {
        return CLIENT.sendAsync(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body(), r.headers()));
    }

    public Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code method target} as written, over a plain socket, for what java.net.http refuses to send
     * (malformed escapes, raw bytes). Reads the whole answer (Connection: close).
     */
    public Answer raw(String method, String target) {
        return raw(method, target, key != null ? "Authorization: Bearer " + key + "\r\n" : "");
    }

    /** As {@link #raw(String, String)}, with these header lines (each ending in CRLF) instead of the key's. */
    public Answer raw(String method, String target, String headerLines) {
        return exchange(method + " " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n" + headerLines
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    /** Writes {@code request} byte for byte (ISO-8859-1) and reads the answer until the server closes. */
    public Answer exchange(String request) {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String response =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int split = response.indexOf("\r\n\r\n");
            String body = split < 0 ? "" : response.substring(split + 4);
            java.util.Map<String, java.util.List<String>> headers =
                    new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line :
                    response.substring(0, split < 0 ? response.length() : split).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("HTTP/")) {
                    headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new java.util.ArrayList<>())
                            .add(line.substring(colon + 1).strip());
                }
            }
            return new Answer(status, body, HttpHeaders.of(headers, (a, b) -> true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code request} byte for byte (ISO-8859-1) and returns the answer's status line, e.g. "HTTP/1.1 200 OK". */
    public String statusLine(String request) {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String response =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n");
            return end < 0 ? response : response.substring(0, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    /**
     * Answers are read as a client reads them: the server's mapper without its body limit, which bounds what the
     * server reads, not what it writes (an experiment's answer adds nulls to the documents it was given).
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper ANSWERS = answers();

    private static com.fasterxml.jackson.databind.ObjectMapper answers() {
        var mapper = JsonMapper.shared().copy();
        mapper.getFactory()
                .setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxDocumentLength(-1)
                        .build());
        return mapper;
    }

    /** A response: status, raw body text, headers, and the body as JSON. */
    public record Answer(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return ANSWERS.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(
                        "not JSON (status " + status + "): " + body.substring(0, Math.min(500, body.length())), e);
            }
        }

        public String lifecycleStatus() {
            return json().path("lifecycle").path("status").asText(null);
        }

        public String errorCode() {
            return json().path("detail").path("code").asText(null);
        }
    }
}
