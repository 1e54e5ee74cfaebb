package io.exprun.server.config;

import java.time.Duration;

/**
 * How much the server waits and queues before it says no. Small on purpose: a caller is better served by a fast 503
 * or 429 it can retry than by a slow answer, and an orchestrator's probes must never time out behind a backlog.
 *
 * @param dbConnectTimeout how long a request waits for a database connection (EXPRUN_DB_CONNECT_TIMEOUT_MS, ≥ 250)
 * @param tenantQueue      requests one tenant (or all requests without a known key, together) may have waiting for an
 *                         API thread before its next gets 429 (EXPRUN_TENANT_QUEUE, ≥ 1)
 * @param queueMaxWait     how long a request may wait for an API thread before it is answered 429 instead of run
 *                         (EXPRUN_QUEUE_MAX_WAIT_MS, ≥ 100; why 5 s: {@code http/FairAdmission})
 * @param fairQueuing      whether tenants wait in queues of their own, served in turn (EXPRUN_FAIR_QUEUING, default
 *                         on); off, every request waits in one first-come-first-served queue: only to compare against
 * @param bodyTimeout      how long a request body may take to arrive before 408 (EXPRUN_BODY_TIMEOUT_MS, ≥ 100)
 * @param dbProbeInterval  how often the database's health is probed in the background (readiness, breaker)
 * @param maxConnections   open client connections at most (EXPRUN_MAX_CONNECTIONS): a number ≥ 1,
 *                         {@link #CONNECTIONS_FROM_DESCRIPTORS} (derived at start-up, see {@link ConnectionCap}) or
 *                         {@link #NO_CONNECTION_CAP}
 * @param statementTimeout how long one database call (a query, or a transaction's statements) may run before it is
 *                         stopped, a request's answered 503 (EXPRUN_STATEMENT_TIMEOUT_MS, ≥ 1000)
 * @param tenantMaxWaits   waits for a run ({@code wait_for}) one tenant may have in progress before its next gets 429
 *                         (EXPRUN_TENANT_MAX_WAITS, ≥ 1); a wait holds a connection, not a thread
 */
public record Limits(
        Duration dbConnectTimeout,
        int tenantQueue,
        Duration queueMaxWait,
        boolean fairQueuing,
        Duration bodyTimeout,
        Duration dbProbeInterval,
        int maxConnections,
        Duration statementTimeout,
        int tenantMaxWaits) {

    public static final int CONNECTIONS_FROM_DESCRIPTORS = 0;
    public static final int NO_CONNECTION_CAP = -1;
    public static final int DEFAULT_TENANT_MAX_WAITS = 256;
    public static final int DEFAULT_TENANT_QUEUE = 256;
    public static final Duration DEFAULT_QUEUE_MAX_WAIT = Duration.ofSeconds(5);

    public static final Limits DEFAULTS = new Limits(
            Duration.ofSeconds(1),
            DEFAULT_TENANT_QUEUE,
            DEFAULT_QUEUE_MAX_WAIT,
            true,
            Duration.ofSeconds(10),
            Duration.ofMillis(250),
            CONNECTIONS_FROM_DESCRIPTORS,
            Duration.ofSeconds(30),
            DEFAULT_TENANT_MAX_WAITS);

    public Limits {
        if (dbConnectTimeout.toMillis() < 250) {
            throw new IllegalArgumentException(
                    "the database connect timeout must be at least 250 ms (HikariCP's minimum)");
        }
        if (tenantQueue < 1) {
            throw new IllegalArgumentException("a tenant's queue must hold at least 1 request");
        }
        if (queueMaxWait.toMillis() < 100) {
            throw new IllegalArgumentException("the longest wait in a queue must be at least 100 ms");
        }
        if (bodyTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("the body timeout must be at least 100 ms");
        }
        if (maxConnections < NO_CONNECTION_CAP) {
            throw new IllegalArgumentException("the connection cap must be >= 1");
        }
        if (statementTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("the statement timeout must be at least 1000 ms");
        }
        if (tenantMaxWaits < 1) {
            throw new IllegalArgumentException("a tenant must be allowed at least 1 wait");
        }
    }

    public Limits withDbConnectTimeout(Duration d) {
        return new Limits(
                d,
                tenantQueue,
                queueMaxWait,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withTenantQueue(int n) {
        return new Limits(
                dbConnectTimeout,
                n,
                queueMaxWait,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withQueueMaxWait(Duration d) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                d,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withFairQueuing(boolean on) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                queueMaxWait,
                on,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withBodyTimeout(Duration d) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                queueMaxWait,
                fairQueuing,
                d,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                queueMaxWait,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                n,
                statementTimeout,
                tenantMaxWaits);
    }

    public Limits withStatementTimeout(Duration d) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                queueMaxWait,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                d,
                tenantMaxWaits);
    }

    public Limits withTenantMaxWaits(int n) {
        return new Limits(
                dbConnectTimeout,
                tenantQueue,
                queueMaxWait,
                fairQueuing,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                n);
    }
}
