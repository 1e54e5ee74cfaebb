package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.exprun.server.api.ClientLeft;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 23, item 4: a client that disconnects before its answer is written is one DEBUG line, not Jersey's ERROR with a
 * stack trace. Ordered, not timed: the one API thread is held by a cancel waiting for a row lock, a list of 100 runs
 * waits in the queue behind it, its client resets the connection, then the lock is released and the server writes the
 * list (larger than what a socket buffers without a reader) to a connection that is gone.
 */
class ClientLeftTest {

    private static final String RESPONDER = "org.glassfish.jersey.server.ServerRuntime$Responder";

    @Test
    void an_answer_whose_client_left_is_one_debug_line_and_no_error() throws Exception {
        ServerConfig config = TestServer.embeddedConfig(0)
                .withDbPoolSize(1)
                // one tenant's cancel holds the one thread while its list queues
                .withLimits(io.exprun.server.config.Limits.DEFAULTS.withTenantQueue(4));
        ListAppender<ILoggingEvent> jersey = listen(RESPONDER, Level.ALL);
        ListAppender<ILoggingEvent> left = listen(ClientLeft.class.getName(), Level.DEBUG);
        try (TestServer server = TestServer.start(config)) {
            Http api = new Http(server.baseUri(), KEY_A);
            Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            for (int i = 0; i < 100; i++) {
                server.fixtures().runIn(TENANT_A, LifecycleStatus.PENDING);
            }
            try (Connection lock = DriverManager.getConnection(config.dbUrl())) {
                lock.setAutoCommit(false);
                try (PreparedStatement ps = lock.prepareStatement("UPDATE runs SET status = status WHERE id = ?")) {
                    ps.setString(1, run.id());
                    ps.executeUpdate(); // the cancel below waits for this lock (busy timeout 10 s)
                }
                var blocked = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> api.post("/v1/workflows/experiments/runs/" + run.id() + "/cancel"));
                await().atMost(Duration.ofSeconds(8)).until(() -> apiThreads(api, "active_threads") >= 1);
                Socket client =
                        new Socket(server.baseUri().getHost(), server.baseUri().getPort());
                client.setReceiveBufferSize(4096);
                OutputStream out = client.getOutputStream();
                out.write(("GET /v1/workflows/experiments/runs?limit=100 HTTP/1.1\r\nHost: x\r\n"
                                + "Authorization: Bearer " + KEY_A + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                await().atMost(Duration.ofSeconds(8))
                        .until(() -> io.exprun.server.testing.TenantQueueMetrics.queued(api, TENANT_A) >= 1);
                client.setSoLinger(true, 0);
                client.close(); // a reset: the client is gone before any answer
                lock.rollback();
                assertThat(blocked.get().status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !left.list.isEmpty() || !jersey.list.isEmpty());

            assertThat(left.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
                assertThat(e.getFormattedMessage()).contains("the client left");
            });
            assertThat(jersey.list).as("Jersey's ERROR with a stack trace").isEmpty();
            // the negative control: a client that stays gets its answer, and no line says it left
            assertThat(api.get("/v1/workflows/experiments/runs/" + run.id()).status())
                    .isEqualTo(200);
            assertThat(left.list).hasSize(1);
        } finally {
            stop(RESPONDER, jersey);
            stop(ClientLeft.class.getName(), left);
        }
    }

    private static double apiThreads(Http api, String gauge) {
        Matcher m = Pattern.compile("(?m)^executor_" + gauge + "\\{[^}]*name=\"exprun-http\"[^}]*} ([0-9.E]+)")
                .matcher(api.as(null).get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static ListAppender<ILoggingEvent> listen(String logger, Level level) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger l = (Logger) LoggerFactory.getLogger(logger);
        l.setLevel(level);
        l.addAppender(appender);
        return appender;
    }

    private static void stop(String logger, ListAppender<ILoggingEvent> appender) {
        Logger l = (Logger) LoggerFactory.getLogger(logger);
        l.detachAppender(appender);
        l.setLevel(null);
    }
}
