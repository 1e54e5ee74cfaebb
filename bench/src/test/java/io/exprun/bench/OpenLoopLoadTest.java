package io.exprun.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The open-loop generator against a real HTTP server on loopback that stalls once: latency counted from each
 * request's intended start must show the stall in every request that was due during it (coordinated omission
 * corrected), and an answer that is not 2xx must count as an error.
 */
class OpenLoopLoadTest {

    private static final int STALL_MS = 1000;
    private static final long TAIL_MICROS = TimeUnit.MILLISECONDS.toMicros(300);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Answers 200 (or 404 for ids starting with "gone"); request number {@code stallAt} is held STALL_MS. */
    private String serve(int stallAt) throws IOException {
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        // the JDK's server writes headers and body apart: without TCP_NODELAY each answer waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            if (seen.incrementAndGet() == stallAt) {
                try {
                    never.await(STALL_MS, TimeUnit.MILLISECONDS); // the server's stall, not an ordering device
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getRequestBody().readAllBytes();
            int status = exchange.getRequestURI().getPath().contains("/gone") ? 404 : 200;
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static OpenLoopLoad generator(String base, double rate, int connections) {
        OpenLoopLoad load = new OpenLoopLoad();
        load.base = base;
        load.key = "k";
        load.method = "POST";
        load.pathTemplate = "/runs/%s/cancel";
        load.rate = rate;
        load.connections = connections;
        return load;
    }

    private static List<String> ids(int n, String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    @Test
    void a_stall_counts_against_every_request_that_was_due_during_it() throws Exception {
        String base = serve(400); // the 400th request, i.e. the 200th after the warm-up
        OpenLoopLoad load = generator(base, 200, 1);
        CloseableHttpClient http = OpenLoopLoad.client(1);
        load.run(http, ids(200, "warm"));
        OpenLoopLoad.Outcome outcome = load.run(http, ids(600, "run"));

        // at 200/s, a 1 s stall delays the ~200 requests due during it by 1 s down to 0: the slowest 10% of 600 by
        // more than 0.7 s. Measured from when each was sent, only the stalled one would be slow.
        assertThat(outcome.requests()).isEqualTo(600);
        assertThat(outcome.micros().getMaxValue())
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(STALL_MS - 50));
        assertThat(outcome.micros().getValueAtPercentile(90)).isGreaterThanOrEqualTo(TAIL_MICROS);
        assertThat(outcome.errors()).isZero();
    }

    @Test
    void without_a_stall_the_same_load_shows_no_such_tail() throws Exception {
        String base = serve(-1);
        OpenLoopLoad load = generator(base, 200, 1);
        CloseableHttpClient http = OpenLoopLoad.client(1);
        load.run(http, ids(200, "warm"));
        OpenLoopLoad.Outcome outcome = load.run(http, ids(600, "run"));

        assertThat(outcome.micros().getValueAtPercentile(90)).isLessThan(TAIL_MICROS);
        assertThat(outcome.seconds()).isBetween(2.9, 5.0);
    }

    @Test
    void answers_that_are_not_2xx_are_errors() throws Exception {
        String base = serve(-1);
        List<String> ids = ids(50, "run");
        ids.addAll(ids(10, "gone"));
        OpenLoopLoad.Outcome outcome = generator(base, 500, 4).run(OpenLoopLoad.client(4), ids);

        assertThat(outcome.requests()).isEqualTo(60);
        assertThat(outcome.errors()).isEqualTo(10);
    }
}
