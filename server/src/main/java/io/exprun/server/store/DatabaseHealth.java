package io.exprun.server.store;

import io.exprun.server.config.DaemonThreads;
import io.exprun.server.config.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server knows about its database, kept current by a background probe (every {@code interval}, on its own
 * thread) and by requests that fail to get a connection. Readiness reads it without touching the database, and while
 * it says "down" requests fail at once instead of each waiting out the connection timeout: a circuit breaker whose
 * half-open state is the probe. It comes back "up" with the first probe that gets a working connection.
 * <p>
 * The probe keeps one connection of its own, outside the pool, and checks it with {@code isValid}: a pool would make
 * it wait out the connection timeout when the database refuses connections, and a new connection per probe would
 * cost the database a backend four times a second. Only while that connection is broken does it connect again.
 * Transitions are logged once each (down with the reason, up again), not per failed request.
 * <p>
 * Writes have a state of their own: the database may answer and still refuse to store (a full disk, a read-only file
 * system). Writes are failing from the first write refused for that reason until the next write that commits; each
 * transition is logged once. No probe tries writes: a probe's small write can fit where a run's does not, and its
 * success would make the state flap.
 */
public final class DatabaseHealth implements AutoCloseable {

    /** {@code up}, since when, and (when down) why, in one line. */
    public record State(boolean up, Instant since, String reason) {}

    /** Whether writes commit, since when, and (when failing) why. */
    public record Writes(boolean failing, Instant since, String reason) {}

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final String url;
    private final Properties credentials;
    private final Clock clock;
    private final ScheduledExecutorService prober;
    private volatile State state;
    private volatile Writes writes;
    private Connection probe; // only touched by the prober thread

    DatabaseHealth(String url, String user, String password, Clock clock, Duration interval) {
        this.url = url;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        if (Dialect.of(url) == Dialect.POSTGRESQL) {
            credentials.setProperty("connectTimeout", "1"); // seconds: an unreachable host must not stall the probe
        }
        this.clock = clock;
        this.state = new State(true, clock.instant(), null);
        this.writes = new Writes(false, clock.instant(), null);
        this.prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-db-probe"));
        prober.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state;
    }

    public Writes writes() {
        return writes;
    }

    /** A write was refused because the storage cannot take it (see {@link StoreException#cannotWrite()}). */
    synchronized void writeFailed(SQLException e) {
        if (!writes.failing()) {
            String reason = oneLine(e.getMessage());
            log.warn("database writes are failing, answering 503 to writes until one succeeds: {}", reason);
            writes = new Writes(true, clock.instant(), reason);
        }
    }

    /** A write committed: called after every one, so it costs a volatile read unless writes were failing. */
    void wrote() {
        if (writes.failing()) {
            synchronized (this) {
                if (writes.failing()) {
                    log.info(
                            "database writes succeed again after {}",
                            Duration.between(writes.since(), clock.instant()));
                    writes = new Writes(false, clock.instant(), null);
                }
            }
        }
    }

    void probe() {
        try {
            if (probe == null || !probe.isValid(1)) {
                closeProbe();
                probe = DriverManager.getConnection(url, credentials);
                if (!probe.isValid(1)) {
                    down("the database did not answer a validity check");
                    return;
                }
            }
            if (!state.up()) {
                log.info("database is back after {}", Duration.between(state.since(), clock.instant()));
                state = new State(true, clock.instant(), null);
            }
        } catch (SQLException | RuntimeException e) {
            closeProbe();
            down(e.getMessage());
        }
    }

    private void closeProbe() {
        if (probe != null) {
            try {
                probe.close();
            } catch (SQLException ignored) {
                // it is broken anyway
            }
            probe = null;
        }
    }

    /** A request could not get a connection because of the database (not because the pool was merely busy). */
    void tripped(SQLException e) {
        down(e.getMessage());
    }

    private void down(String reason) {
        String oneLine = oneLine(reason);
        State now = state;
        if (now.up()) {
            log.warn("database is down, answering 503 until it is back: {}", oneLine);
        }
        state = new State(false, now.up() ? clock.instant() : now.since(), oneLine);
    }

    private static String oneLine(String reason) {
        return reason == null ? "unknown" : reason.replaceAll("\\s+", " ");
    }

    /** The server is closing the pool: nothing is served from it any more. */
    @Override
    public void close() {
        state = new State(false, clock.instant(), "the server is shutting down");
        prober.shutdownNow();
        try {
            prober.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProbe();
    }
}
