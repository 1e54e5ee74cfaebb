package io.exprun.server.config;

import java.lang.management.ManagementFactory;

/**
 * How many client connections may be open at once (EXPRUN_MAX_CONNECTIONS), checked against the process's
 * file-descriptor limit at start-up. Every connection costs a descriptor; when they run out, accept() fails with EMFILE,
 * the listening socket stays readable and a selector may spin on it while new clients (health probes included) wait
 * in the kernel's backlog. The cap keeps connections below the limit so that never happens.
 *
 * <p>The rule: descriptors free for connections = limit − descriptors open at start-up (jars, logs, the JVM's own) −
 * a reserve for what opens later ({@link #RESERVE_BASE} plus {@link #RESERVE_PER_DB_CONNECTION} per pooled database
 * connection: an SQLite connection holds the database, its WAL and shared-memory files; backups, log rotation). Unset,
 * the cap is that number, at most {@link #DEFAULT_CEILING}; a cap set explicitly must fit under it, or the start is
 * refused.
 */
public final class ConnectionCap {

    static final int RESERVE_BASE = 64;
    static final int RESERVE_PER_DB_CONNECTION = 4;
    static final int DEFAULT_CEILING = 10_000;

    private ConnectionCap() {}

    /**
     * The cap for {@code config} on this process, or {@link Limits#NO_CONNECTION_CAP}.
     *
     * @throws StartupFailure when the cap set cannot fit under the descriptor limit, or the limit leaves no room
     */
    public static int of(ServerConfig config) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return of(
                    config.limits().maxConnections(),
                    config.dbPoolSize(),
                    os.getMaxFileDescriptorCount(),
                    os.getOpenFileDescriptorCount());
        }
        // no descriptor limit to read (not a Unix): what was set, else the ceiling
        int set = config.limits().maxConnections();
        return set == Limits.CONNECTIONS_FROM_DESCRIPTORS ? DEFAULT_CEILING : set;
    }

    static int of(int set, int dbPoolSize, long descriptorLimit, long openNow) {
        if (set == Limits.NO_CONNECTION_CAP) {
            return set;
        }
        long reserve = RESERVE_BASE + (long) RESERVE_PER_DB_CONNECTION * dbPoolSize;
        long free = descriptorLimit - openNow - reserve;
        String room = "the file-descriptor limit is " + descriptorLimit + "; " + openNow + " are open at start-up and "
                + reserve + " are kept for the database, logs and backups";
        if (set == Limits.CONNECTIONS_FROM_DESCRIPTORS) {
            if (free < 1) {
                throw new StartupFailure(
                        room + ", which leaves no room for client connections",
                        "raise the limit (ulimit -n, or LimitNOFILE= in a systemd unit) to at least "
                                + (openNow + reserve + 256),
                        StartupFailure.EXIT_FAILED,
                        null);
            }
            return (int) Math.min(free, DEFAULT_CEILING);
        }
        if (set > free) {
            throw new StartupFailure(
                    "EXPRUN_MAX_CONNECTIONS=" + set + " does not fit: " + room + ", which leaves " + Math.max(free, 0),
                    "lower EXPRUN_MAX_CONNECTIONS to at most " + Math.max(free, 1)
                            + ", or raise the limit (ulimit -n, or LimitNOFILE= in a systemd unit) to at least "
                            + (set + openNow + reserve),
                    StartupFailure.EXIT_CONFIG,
                    null);
        }
        return set;
    }
}
