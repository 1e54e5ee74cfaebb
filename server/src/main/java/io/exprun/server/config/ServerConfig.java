package io.exprun.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.exprun.server.auth.ApiKeys;

/**
 * Everything the server can be told, with the defaults of a developer's machine. Read from the environment by
 * {@link #fromEnv(Map)}; tests build it with the {@code with…} methods.
 */
public record ServerConfig(
        String bind,
        int port,
        String dbUrl,
        String dbUser,
        String dbPassword,
        Map<String, String> apiKeys,
        Path catalog,
        int workers,
        long simDocMillis,
        double simFailureRate,
        Duration lease,
        int dbPoolSize,
        Limits limits) {

    /**
     * The embedded default. WRITE_DELAY=0: H2 otherwise flushes committed transactions up to 500 ms later, and a
     * kill -9 in that window loses them (a cancel answered 200 must stay cancelled).
     */
    public static final String DEFAULT_DB_URL =
            "jdbc:h2:file:./data/exprun;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dbUrl, "dbUrl");
        apiKeys = Map.copyOf(apiKeys);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        Objects.requireNonNull(limits, "limits");
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, DEFAULT_DB_URL, null, null, Map.of(), null, 2, 2000, 0.0,
                Duration.ofSeconds(10), 16, Limits.DEFAULTS);
    }

    /** EXPRUN_PORT, EXPRUN_BIND, EXPRUN_DB_URL/USER/PASSWORD, EXPRUN_API_KEYS, EXPRUN_CATALOG, EXPRUN_WORKERS, … */
    public static ServerConfig fromEnv(Map<String, String> env) {
        ServerConfig c = defaults();
        try {
            if (has(env, "EXPRUN_PORT")) c = c.withPort(Integer.parseInt(env.get("EXPRUN_PORT").trim()));
            if (has(env, "EXPRUN_BIND")) c = c.withBind(env.get("EXPRUN_BIND").trim());
            if (has(env, "EXPRUN_DB_URL")) c = c.withDb(env.get("EXPRUN_DB_URL").trim(), env.get("EXPRUN_DB_USER"),
                    env.get("EXPRUN_DB_PASSWORD"));
            if (has(env, "EXPRUN_API_KEYS")) c = c.withApiKeys(ApiKeys.parse(env.get("EXPRUN_API_KEYS")));
            if (has(env, "EXPRUN_CATALOG")) c = c.withCatalog(Path.of(env.get("EXPRUN_CATALOG").trim()));
            if (has(env, "EXPRUN_WORKERS")) c = c.withWorkers(Integer.parseInt(env.get("EXPRUN_WORKERS").trim()));
            if (has(env, "EXPRUN_SIM_DOC_MS")) c = c.withSimulation(Long.parseLong(env.get("EXPRUN_SIM_DOC_MS").trim()),
                    c.simFailureRate());
            if (has(env, "EXPRUN_SIM_FAILURE_RATE")) c = c.withSimulation(c.simDocMillis(),
                    Double.parseDouble(env.get("EXPRUN_SIM_FAILURE_RATE").trim()));
            if (has(env, "EXPRUN_LEASE_MS")) c = c.withLease(Duration.ofMillis(Long.parseLong(env.get("EXPRUN_LEASE_MS").trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid number in EXPRUN_* configuration: " + e.getMessage(), e);
        }
        c = c.withLimits(Limits.fromEnv(env));
        return c;
    }

    private static boolean has(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }

    public boolean isEmbeddedDb() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(bind, p, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withBind(String b) {
        return new ServerConfig(b, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withDb(String url, String user, String password) {
        return new ServerConfig(bind, port, url, user, password, apiKeys, catalog, workers, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withApiKeys(Map<String, String> keys) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, new LinkedHashMap<>(keys), catalog, workers, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withCatalog(Path path) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, path, workers, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withWorkers(int n) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, n, simDocMillis, simFailureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withSimulation(long docMillis, double failureRate) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, docMillis, failureRate, lease, dbPoolSize, limits);
    }

    public ServerConfig withLease(Duration l) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, simDocMillis, simFailureRate, l, dbPoolSize, limits);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, simDocMillis, simFailureRate, lease, dbPoolSize, l);
    }

    public ServerConfig withDbPoolSize(int n) {
        return new ServerConfig(bind, port, dbUrl, dbUser, dbPassword, apiKeys, catalog, workers, simDocMillis, simFailureRate, lease, n, limits);
    }
}
