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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * system). Writes are failing from the first write refused for that reason until the next write that commits rows.
 * On a full disk that state can flip back and forth (a checkpoint makes room in the WAL, a small write fits, the next
 * does not), so the log speaks of episodes: one WARN when writes start failing, one INFO once they have committed for
 * {@link #QUIET} without a refusal in between (the probe looks); flips inside an episode are logged at DEBUG. No probe
 * tries writes: a probe's small write can fit where a run's does not.
 */
public final class DatabaseHealth implements AutoCloseable {

    /** {@code up}, since when, and (when down) why, in one line. */
    public record State(boolean up, Instant since, String reason) {}

    /** Whether writes commit, since when, and (when failing) why. */
    public record Writes(boolean failing, Instant since, String reason) {}

    /**
     * The writes' state with what decides its next transition: {@code ticket}, the number of writes started when it
     * was recorded (only a write started after it may end it), and {@code sinceNanos}, on the monotonic clock.
     */
    private record WriteState(Writes view, long ticket, long sinceNanos) {}

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    /** How long writes must commit without a refusal before an episode of failing writes is over. */
    static final Duration QUIET = Duration.ofSeconds(2);

    private final String url;
    private final Properties credentials;
    private final Clock clock;
    private final ScheduledExecutorService prober;
    private final AtomicReference<State> state;
    private final AtomicLong sinceDownNanos = new AtomicLong();
    private final AtomicLong writesStarted = new AtomicLong();
    private final AtomicReference<WriteState> writes;
    /** An episode of failing writes was logged (WARN) and its end not yet (INFO); and when it began. */
    private final AtomicBoolean episodeOpen = new AtomicBoolean();

    private volatile long episodeStartNanos;
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
        this.state = new AtomicReference<>(new State(true, clock.instant(), null));
        this.writes =
                new AtomicReference<>(new WriteState(new Writes(false, clock.instant(), null), 0, System.nanoTime()));
        this.prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("exprun-db-probe"));
        prober.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state.get();
    }

    public Writes writes() {
        return writes.get().view();
    }

    /**
     * A write (a transaction) starts: its ticket. Writes run concurrently and report in any order, so a write's
     * outcome moves the state only when the write started after the state's last transition was recorded: a write
     * that began before the disk filled and commits after the first refusal proves nothing about the space left.
     * Each transition is then decided by one compare-and-set and logged once, by the thread that made it.
     */
    long writeStarts() {
        return writesStarted.incrementAndGet();
    }

    /** A write was refused because the storage cannot take it (see {@link StoreException#cannotWrite()}). */
    void writeFailed(long ticket, SQLException e) {
        WriteState now = writes.get();
        if (now.view().failing() || ticket <= now.ticket()) {
            return;
        }
        String reason = oneLine(e.getMessage());
        WriteState next =
                new WriteState(new Writes(true, clock.instant(), reason), writesStarted.get(), System.nanoTime());
        if (writes.compareAndSet(now, next)) {
            if (episodeOpen.compareAndSet(false, true)) {
                episodeStartNanos = next.sinceNanos();
                log.warn("database writes are failing, answering 503 to writes until one succeeds: {}", reason);
            } else {
                log.debug("database writes are failing again: {}", reason);
            }
        }
    }

    /** A write committed: called after every one, so it costs a volatile read unless writes were failing. */
    void wrote(long ticket) {
        WriteState now = writes.get();
        if (!now.view().failing() || ticket <= now.ticket()) {
            return;
        }
        WriteState next =
                new WriteState(new Writes(false, clock.instant(), null), writesStarted.get(), System.nanoTime());
        if (writes.compareAndSet(now, next)) {
            log.debug(
                    "a database write committed after {} of refusals",
                    Duration.ofNanos(next.sinceNanos() - now.sinceNanos()));
        }
    }

    /** The probe's look at an episode: over once writes have committed for {@link #QUIET} with no refusal since. */
    private void endEpisodeWhenQuiet() {
        WriteState now = writes.get();
        if (episodeOpen.get()
                && !now.view().failing()
                && System.nanoTime() - now.sinceNanos() >= QUIET.toNanos()
                && episodeOpen.compareAndSet(true, false)) {
            log.info("database writes succeed again after {}", Duration.ofNanos(now.sinceNanos() - episodeStartNanos));
        }
    }

    void probe() {
        endEpisodeWhenQuiet();
        try {
            if (probe == null || !probe.isValid(1)) {
                closeProbe();
                probe = DriverManager.getConnection(url, credentials);
                if (!probe.isValid(1)) {
                    down("the database did not answer a validity check");
                    return;
                }
            }
            State now = state.get();
            if (!now.up() && state.compareAndSet(now, new State(true, clock.instant(), null))) {
                log.info("database is back after {}", Duration.ofNanos(System.nanoTime() - sinceDownNanos.get()));
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

    /** Up → down is one compare-and-set, logged by the thread that made it; while down, the reason is the latest. */
    private void down(String reason) {
        String oneLine = oneLine(reason);
        while (true) {
            State now = state.get();
            State next = new State(false, now.up() ? clock.instant() : now.since(), oneLine);
            if (state.compareAndSet(now, next)) {
                if (now.up()) {
                    sinceDownNanos.set(System.nanoTime());
                    log.warn("database is down, answering 503 until it is back: {}", oneLine);
                }
                return;
            }
        }
    }

    private static String oneLine(String reason) {
        return reason == null ? "unknown" : reason.replaceAll("\\s+", " ");
    }

    /** The server is closing the pool: nothing is served from it any more. */
    @Override
    public void close() {
        state.set(new State(false, clock.instant(), "the server is shutting down"));
        prober.shutdownNow();
        try {
            prober.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProbe();
    }
}
