package io.exprun.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server on loopback that answers from a script, one reply per request, and hangs once the script is used
 * up (a server that never answers). Records each request and the client port it came from.
 */
final class ScriptedServer implements AutoCloseable {

    private record Reply(int status, String body, String retryAfter, Map<String, String> headers) {}

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> clientPorts = Collections.synchronizedList(new ArrayList<>());
    private final List<String> conditions = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);

    private ScriptedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.setExecutor(pool);
        server.start();
    }

    static ScriptedServer start() throws IOException {
        return new ScriptedServer();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized void then(int status, String body, String retryAfter) {
        script.add(new Reply(status, body, retryAfter, Map.of()));
    }

    /** A reply with these headers (an ETag, …). */
    synchronized void thenWith(int status, String body, Map<String, String> headers) {
        script.add(new Reply(status, body, null, headers));
    }

    /** The next request gets no answer at all (its handler hangs until close): the client times out. */
    synchronized void thenSilence() {
        script.add(new Reply(-1, "", null, Map.of()));
    }

    /** "METHOD /path?query auth=… ua=… key=…" (key: the Idempotency-Key), in arrival order. */
    List<String> requests() {
        return requests;
    }

    /** "If-Match=… If-None-Match=…" of each request, in arrival order. */
    List<String> conditions() {
        return conditions;
    }

    /** The client-side port of each request's connection: equal ports mean one reused connection. */
    List<Integer> clientPorts() {
        return clientPorts;
    }

    private synchronized Reply next(HttpExchange exchange) {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth="
                + exchange.getRequestHeaders().getFirst("Authorization") + " ua="
                + exchange.getRequestHeaders().getFirst("User-Agent")
                + " key=" + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
        clientPorts.add(exchange.getRemoteAddress().getPort());
        conditions.add("If-Match=" + exchange.getRequestHeaders().getFirst("If-Match") + " If-None-Match="
                + exchange.getRequestHeaders().getFirst("If-None-Match"));
        return script.isEmpty() ? null : script.poll();
    }

    private void answer(HttpExchange exchange) throws IOException {
        Reply reply = next(exchange);
        if (reply == null
                || reply.status() < 0) { // silence, or script exhausted: hang like a server that never answers
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Request-Id", "req-" + requests.size());
        if (reply.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        if (reply.status() == 304) {
            exchange.sendResponseHeaders(304, -1); // no body, as HTTP has it
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
