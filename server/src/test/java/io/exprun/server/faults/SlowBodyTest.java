package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.Limits;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients that trickle their request body (one byte every 100 ms, three times as many as there are API threads) hold
 * connections, never threads: liveness and ordinary calls are answered while every trickler still waits (none has its
 * answer yet: an order of events, not milliseconds a loaded machine stretches), and each trickler gets a 408 in the
 * contract's shape once the body timeout passes. Nothing they sent is stored.
 */
class SlowBodyTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final int THREADS = 4;
    private static final int TRICKLERS = 3 * THREADS;

    @Test
    void slow_request_bodies_do_not_starve_health_checks_or_other_callers() throws Exception {
        ServerConfig config = TestServer.embeddedConfig(0)
                .withDbPoolSize(THREADS)
                .withLimits(Limits.DEFAULTS.withBodyTimeout(Duration.ofSeconds(5)));
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        List<Socket> sockets = new ArrayList<>();
        try (TestServer server = TestServer.start(config)) {
            Http api = new Http(server.baseUri(), KEY_A);
            byte[] body = "{\"experiment_id\":\"exp_demo\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < TRICKLERS; i++) {
                Socket s = new Socket(server.baseUri().getHost(), server.port());
                s.setSoTimeout(10_000);
                sockets.add(s);
                OutputStream out = s.getOutputStream();
                out.write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                int[] next = {0};
                pacer.scheduleAtFixedRate(
                        () -> {
                            try {
                                if (next[0] < body.length - 1) { // never the last byte: the body stays incomplete
                                    out.write(body[next[0]++]);
                                    out.flush();
                                }
                            } catch (Exception closed) {
                                // the server gave up on this client
                            }
                        },
                        0,
                        100,
                        TimeUnit.MILLISECONDS);
            }

            Latencies health = new Latencies();
            Latencies lists = new Latencies();
            for (int i = 0; i < 10; i++) {
                long t = System.nanoTime();
                assertThat(api.as(null).get("/healthz").status()).isEqualTo(200);
                health.add((System.nanoTime() - t) / 1_000_000);
                t = System.nanoTime();
                assertThat(api.get(RUNS + "?limit=5").status()).isEqualTo(200);
                lists.add((System.nanoTime() - t) / 1_000_000);
            }

            for (Socket s : sockets) {
                assertThat(s.getInputStream().available())
                        .as("a trickler answered before the calls")
                        .isZero();
            }
            List<String> answers = new ArrayList<>();
            for (Socket s : sockets) {
                answers.add(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            System.out.printf("slow bodies: /healthz %s; list %s%n", health, lists);
            assertThat(answers).allSatisfy(a -> {
                assertThat(a).startsWith("HTTP/1.1 408");
                assertThat(a).contains("\"code\":\"request_timeout\"");
            });
            assertThat(api.get(RUNS).json().path("data")).isEmpty();
        } finally {
            pacer.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
