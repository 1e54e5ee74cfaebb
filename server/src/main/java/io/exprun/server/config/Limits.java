package io.exprun.server.config;

import java.time.Duration;

/**
 * How much the server waits and queues before it says no. Small on purpose: a caller is better served by a fast 503
 * or 429 it can retry than by a slow answer, and an orchestrator's probes must never time out behind a backlog.
 *
 * @param dbConnectTimeout how long a request waits for a database connection (EXPRUN_DB_CONNECT_TIMEOUT_MS, ≥ 250)
 * @param httpQueue        requests that may wait for an API thread before new ones get 429 (EXPRUN_HTTP_QUEUE, ≥ 0)
 * @param bodyTimeout      how long a request body may take to arrive before 408 (EXPRUN_BODY_TIMEOUT_MS, ≥ 100)
 * @param dbProbeInterval  how often the database's health is probed in the background (readiness, breaker)
 * @param maxConnections   open client connections at most (EXPRUN_MAX_CONNECTIONS): a number ≥ 1,
 *                         {@link #CONNECTIONS_FROM_DESCRIPTORS} (derived at start-up, see {@link ConnectionCap}) or
 *                         {@link #NO_CONNECTION_CAP}
 * @param statementTimeout how long one database call (a query, or a transaction's statements) may run before it is
 *                         stopped, a request's answered 503 (EXPRUN_STATEMENT_TIMEOUT_MS, ≥ 1000)
 * @param tenantMaxConcurrent requests one tenant may have in progress before its next gets 429
 *                         (EXPRUN_TENANT_MAX_CONCURRENT, ≥ 1); {@code null}: the default of
 *                         {@link ServerConfig#tenantMaxConcurrent()}
 * @param tenantMaxLists   of those, lists (EXPRUN_TENANT_MAX_LISTS, ≥ 1, at most the former); {@code null}: the default
 *                         of {@link ServerConfig#tenantMaxLists()}
 * @param tenantMaxWaits   waits for a run ({@code wait_for}) one tenant may have in progress before its next gets 429
 *                         (EXPRUN_TENANT_MAX_WAITS, ≥ 1); a wait holds a connection, not a thread
 */
public record Limits(
        Duration dbConnectTimeout,
        int httpQueue,
        Duration bodyTimeout,
        Duration dbProbeInterval,
        int maxConnections,
        Duration statementTimeout,
        Integer tenantMaxConcurrent,
        Integer tenantMaxLists,
        int tenantMaxWaits) {

    public static final int CONNECTIONS_FROM_DESCRIPTORS = 0;
    public static final int NO_CONNECTION_CAP = -1;
    public static final int DEFAULT_TENANT_MAX_WAITS = 256;

    public static final Limits DEFAULTS = new Limits(
            Duration.ofSeconds(1),
            256,
            Duration.ofSeconds(10),
            Duration.ofMillis(250),
            CONNECTIONS_FROM_DESCRIPTORS,
            Duration.ofSeconds(30),
            null,
            null,
            DEFAULT_TENANT_MAX_WAITS);

    public Limits {
        if (dbConnectTimeout.toMillis() < 250) {
            throw new IllegalArgumentException(
                    "the database connect timeout must be at least 250 ms (HikariCP's minimum)");
        }
        if (httpQueue < 0) {
            throw new IllegalArgumentException("the HTTP queue must be >= 0");
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
        if (tenantMaxConcurrent != null && tenantMaxConcurrent < 1) {
            throw new IllegalArgumentException("a tenant must be allowed at least 1 request");
        }
        if (tenantMaxLists != null && tenantMaxLists < 1) {
            throw new IllegalArgumentException("a tenant must be allowed at least 1 list");
        }
        if (tenantMaxWaits < 1) {
            throw new IllegalArgumentException("a tenant must be allowed at least 1 wait");
        }
    }

    public Limits withDbConnectTimeout(Duration d) {
        return new Limits(
                d,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxConcurrent,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withHttpQueue(int n) {
        return new Limits(
                dbConnectTimeout,
                n,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxConcurrent,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withBodyTimeout(Duration d) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                d,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxConcurrent,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                n,
                statementTimeout,
                tenantMaxConcurrent,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withStatementTimeout(Duration d) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                d,
                tenantMaxConcurrent,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withTenantMaxConcurrent(Integer n) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                n,
                tenantMaxLists,
                tenantMaxWaits);
    }

    public Limits withTenantMaxLists(Integer n) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxConcurrent,
                n,
                tenantMaxWaits);
    }

    public Limits withTenantMaxWaits(int n) {
        return new Limits(
                dbConnectTimeout,
                httpQueue,
                bodyTimeout,
                dbProbeInterval,
                maxConnections,
                statementTimeout,
                tenantMaxConcurrent,
                tenantMaxLists,
                n);
    }
}
