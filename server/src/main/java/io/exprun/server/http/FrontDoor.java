package io.exprun.server.http;

import io.exprun.server.config.Limits;
import io.exprun.server.ops.Metrics;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * exprun's HTTP server: Jetty 12 with HTTP/1.1 and HTTP/2 cleartext (h2c, by upgrade or prior knowledge) on one port, in
 * front of {@link EdgeHandler}. Jetty parses and frames every message, as strictly as RFC 9110 and 9112 allow (not even
 * a bare LF ending a header line): an ambiguous message is a 400 and the connection is closed. Request targets reach
 * Jersey as sent, ambiguous spellings included ({@code //v1}, {@code %2F}, {@code ;x=y}): authentication is bound to
 * what Jersey matched. Jetty's own answers are JSON ({@link DoorAnswers}).
 */
public final class FrontDoor {

    private FrontDoor() {}

    /** Starts serving {@code edge} on {@code host:port} (0: any free port), at most {@code cap} connections at once. */
    public static Server start(String host, int port, int cap, EdgeHandler edge, Metrics metrics) throws IOException {
        Server server =
                new Server(); // its threads parse, frame and run the edge, which never blocks (Jersey has its own)
        HttpConfiguration http = new HttpConfiguration();
        http.setHttpCompliance(HttpCompliance.from("RFC9110,-LF_HEADER_TERMINATION"));
        http.setUriCompliance(UriCompliance.from("RFC3986,AMBIGUOUS_PATH_SEGMENT,AMBIGUOUS_EMPTY_SEGMENT,"
                + "AMBIGUOUS_PATH_SEPARATOR,AMBIGUOUS_PATH_PARAMETER,AMBIGUOUS_PATH_ENCODING,BAD_UTF8_ENCODING,"
                + "TRUNCATED_UTF8_ENCODING"));
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(
                server, 1, 1, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(4096); // clients over the cap wait in the kernel's backlog (Java's default: 50)
        server.addConnector(connector);
        if (cap != Limits.NO_CONNECTION_CAP) {
            server.addBean(new ConnectionCap(cap, metrics::closedForRoom, connector));
            metrics.connections(() -> connector.getConnectedEndPoints().size(), cap);
        }
        server.setErrorHandler(edge.answers);
        server.setHandler(new GracefulHandler(edge)); // stopping waits for the requests in progress
        try {
            server.start();
            return server;
        } catch (Exception e) {
            LifeCycle.stop(server);
            throw new IOException("the HTTP server did not start: " + e.getMessage(), e); // the cause says why
        }
    }

    /**
     * EXPRUN_MAX_CONNECTIONS ({@code config/ConnectionCap}) kept by Jetty: at the cap it stops accepting (new clients
     * wait in the kernel's backlog, accept() never fails with EMFILE) and gives open connections a short idle timeout,
     * so that silent ones make room. Those closed so are counted; reaching the cap is a WARN, once a flood.
     */
    private static final class ConnectionCap extends NetworkConnectionLimit implements Connection.Listener {
        private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);
        private static final long IDLE_AT_CAP_MS = 1_000;
        private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
        private static final String CAP_REACHED =
                "the cap of {} client connections (EXPRUN_MAX_CONNECTIONS) is reached:"
                        + " no more are accepted, silent ones are closed after {} ms";
        private final Runnable closedSilent;
        private volatile long reachedAt = System.nanoTime() - MINUTE;

        ConnectionCap(int cap, Runnable closedSilent, Connector connector) {
            super(cap, connector);
            this.closedSilent = closedSilent;
            setEndPointIdleTimeout(IDLE_AT_CAP_MS);
            log.info("accepting at most {} client connections at once", cap);
        }

        @Override
        protected void limit() { // called holding the limit's lock
            super.limit();
            long before = reachedAt;
            if ((reachedAt = System.nanoTime()) - before >= MINUTE) {
                log.warn(CAP_REACHED, getMaxNetworkConnectionCount(), IDLE_AT_CAP_MS);
            }
        }

        @Override
        public void onOpened(Connection connection) { // opened too late for limit() to shorten its idle timeout
            if (getNetworkConnectionCount() >= getMaxNetworkConnectionCount()) {
                connection.getEndPoint().setIdleTimeout(IDLE_AT_CAP_MS);
            }
        }

        @Override
        public void onClosed(Connection connection) {
            if (connection.getBytesIn() == 0 && System.nanoTime() - reachedAt < 5_000_000L * IDLE_AT_CAP_MS) {
                closedSilent.run();
            }
        }
    }
}
