package io.exprun.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server can be told, with the defaults of a developer's machine. Read from the environment by
 * {@link #fromEnv(Map)}; tests build it with the {@code with…} methods.
 *
 * <p>Over 250 lines because it is the one table of every {@code EXPRUN_*} setting: each entry is its name, its parser,
 * what a valid value looks like (the "fix" line of a refused start) and its {@code with…} method, a few lines each.
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
        Limits limits,
        Boolean dbEmbedded,
        String executor,
        RetentionPolicy retention) {

    /**
     * The embedded default: one SQLite file in {@code ./data}. Durability and the rest of its set-up do not depend on
     * the URL (store/SqliteDataSource), so a URL of one's own gets them too.
     */
    public static final String DEFAULT_DB_URL = "jdbc:sqlite:./data/exprun.db";

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dbUrl, "dbUrl");
        // refuses a URL of a database exprun does not run on, before anything starts; and an SQLite database that is no
        // file: the writer, the readers and the probe would each open a database of their own
        if (Dialect.of(dbUrl) == Dialect.SQLITE && Dialect.sqliteFile(dbUrl).isEmpty()) {
            throw new IllegalArgumentException("an embedded database must be a file");
        }
        apiKeys = Map.copyOf(apiKeys);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        Objects.requireNonNull(limits, "limits");
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0");
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(retention, "retention");
        if (lease.toMillis() <= 0) {
            throw new IllegalArgumentException("the lease must be more than 0 ms");
        }
        if (simDocMillis < 0) {
            throw new IllegalArgumentException("the simulated document time must be >= 0 ms");
        }
        if (!(simFailureRate >= 0 && simFailureRate <= 1)) {
            throw new IllegalArgumentException("the simulated failure rate must be between 0 and 1");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1",
                8080,
                DEFAULT_DB_URL,
                null,
                null,
                Map.of(),
                null,
                2,
                2000,
                0.0,
                Duration.ofSeconds(10),
                16,
                Limits.DEFAULTS,
                null,
                null,
                RetentionPolicy.DEFAULTS);
    }

    /** Variables earlier versions read, each with what replaced it. */
    static final Map<String, String> RETIRED = Map.of(
            "EXPRUN_TENANT_MAX_CONCURRENT",
            "tenants are no longer capped, they take turns (EXPRUN_TENANT_QUEUE bounds what one may have waiting)",
            "EXPRUN_TENANT_MAX_LISTS",
            "tenants are no longer capped, they take turns, a list counting for several gets",
            "EXPRUN_HTTP_QUEUE",
            "each tenant has a queue of its own, EXPRUN_TENANT_QUEUE requests long");

    /**
     * EXPRUN_PORT, EXPRUN_BIND, EXPRUN_DB_URL/USER/PASSWORD/POOL_SIZE, EXPRUN_API_KEYS, EXPRUN_CATALOG, EXPRUN_WORKERS, …
     * EXPRUN_RETENTION (default 30 days: terminal runs and their results are deleted that long after they completed;
     * {@code off} keeps them) and EXPRUN_RETENTION_SWEEP_MS (default 60000), see {@link RetentionPolicy};
     * EXPRUN_TENANT_QUEUE, EXPRUN_QUEUE_MAX_WAIT_MS and EXPRUN_FAIR_QUEUING, see {@link Limits}. A variable this server
     * no longer reads ({@link #RETIRED}) refuses the start, naming what replaced it: a setting an operator relies on
     * must not be silently dropped.
     *
     * @throws IllegalArgumentException naming the variable, its value and what it should be
     */
    public static ServerConfig fromEnv(Map<String, String> env) {
        RETIRED.forEach((name, instead) -> {
            if (env.containsKey(name)) {
                throw new IllegalArgumentException(name + " is no longer read: " + instead + "; unset it");
            }
        });
        ServerConfig c = defaults();
        c = setting(env, "EXPRUN_PORT", c, (v, x) -> x.withPort(Integer.parseInt(v)), "a port number 0-65535");
        c = setting(env, "EXPRUN_BIND", c, (v, x) -> x.withBind(v), "an address such as 127.0.0.1");
        c = setting(
                env,
                "EXPRUN_DB_URL",
                c,
                (v, x) -> x.withDb(v, env.get("EXPRUN_DB_USER"), env.get("EXPRUN_DB_PASSWORD")),
                "jdbc:sqlite:<file> (e.g. jdbc:sqlite:./data/exprun.db) or jdbc:postgresql://<host>/<database>");
        // set but blank is a mistake too (an unfilled template, an empty secret), not a wish for the development key
        c = setting(
                env,
                "EXPRUN_API_KEYS",
                env.get("EXPRUN_API_KEYS") != null,
                c,
                (v, x) -> x.withApiKeys(ApiKeyEntries.parse(v)),
                "key1:tenantA,key2:tenantB, each key once (unset: the " + "development key)");
        c = setting(env, "EXPRUN_CATALOG", c, (v, x) -> x.withCatalog(Path.of(v)), "a file path");
        c = setting(env, "EXPRUN_WORKERS", c, (v, x) -> x.withWorkers(Integer.parseInt(v)), "a number >= 0");
        c = setting(
                env,
                "EXPRUN_SIM_DOC_MS",
                c,
                (v, x) -> x.withSimulation(Long.parseLong(v), x.simFailureRate()),
                "milliseconds >= 0");
        c = setting(
                env,
                "EXPRUN_SIM_FAILURE_RATE",
                c,
                (v, x) -> x.withSimulation(x.simDocMillis(), Double.parseDouble(v)),
                "a probability between 0 and 1");
        c = setting(
                env,
                "EXPRUN_LEASE_MS",
                c,
                (v, x) -> x.withLease(Duration.ofMillis(Long.parseLong(v))),
                "milliseconds > 0");
        c = setting(env, "EXPRUN_DB_EMBEDDED", c, (v, x) -> x.withDbEmbedded(bool(v)), "true or false");
        c = setting(env, "EXPRUN_EXECUTOR", c, (v, x) -> x.withExecutor(v), "a BlockExecutor class name");
        c = setting(
                env,
                "EXPRUN_DB_POOL_SIZE",
                c,
                (v, x) -> x.withDbPoolSize(atLeastOne(Integer.parseInt(v))),
                "a number of connections >= 1");
        c = setting(
                env,
                "EXPRUN_DB_CONNECT_TIMEOUT_MS",
                c,
                (v, x) -> x.withLimits(x.limits().withDbConnectTimeout(Duration.ofMillis(Long.parseLong(v)))),
                "milliseconds >= 250");
        c = setting(
                env,
                "EXPRUN_TENANT_QUEUE",
                c,
                (v, x) -> x.withLimits(x.limits().withTenantQueue(Integer.parseInt(v))),
                "a number of requests >= 1 (unset: " + Limits.DEFAULT_TENANT_QUEUE + ")");
        c = setting(
                env,
                "EXPRUN_QUEUE_MAX_WAIT_MS",
                c,
                (v, x) -> x.withLimits(x.limits().withQueueMaxWait(Duration.ofMillis(Long.parseLong(v)))),
                "milliseconds >= 100 (unset: " + Limits.DEFAULT_QUEUE_MAX_WAIT.toMillis() + ")");
        c = setting(
                env,
                "EXPRUN_FAIR_QUEUING",
                c,
                (v, x) -> x.withLimits(x.limits().withFairQueuing(onOff(v))),
                "on or off (unset: on)");
        c = setting(
                env,
                "EXPRUN_RETENTION",
                c,
                (v, x) -> x.withRetention(x.retention().withRuns(RetentionPolicy.parseRetention(v))),
                "a duration such as 30d, 12h or P30D, or off");
        c = setting(
                env,
                "EXPRUN_RETENTION_SWEEP_MS",
                c,
                (v, x) -> x.withRetention(x.retention().withSweepInterval(Duration.ofMillis(Long.parseLong(v)))),
                "milliseconds > 0");
        c = setting(
                env,
                "EXPRUN_BODY_TIMEOUT_MS",
                c,
                (v, x) -> x.withLimits(x.limits().withBodyTimeout(Duration.ofMillis(Long.parseLong(v)))),
                "milliseconds >= 100");
        c = setting(
                env,
                "EXPRUN_MAX_CONNECTIONS",
                c,
                (v, x) -> x.withLimits(x.limits().withMaxConnections(connectionCap(v))),
                "a number of connections >= 1, or off (unset: derived from the file-descriptor limit)");
        c = setting(
                env,
                "EXPRUN_STATEMENT_TIMEOUT_MS",
                c,
                (v, x) -> x.withLimits(x.limits().withStatementTimeout(Duration.ofMillis(Long.parseLong(v)))),
                "milliseconds >= 1000");
        c = setting(
                env,
                "EXPRUN_TENANT_MAX_WAITS",
                c,
                (v, x) -> x.withLimits(x.limits().withTenantMaxWaits(Integer.parseInt(v))),
                "a number of waits >= 1 (unset: " + Limits.DEFAULT_TENANT_MAX_WAITS + ")");
        return c;
    }

    private static boolean onOff(String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("not on or off");
        };
    }

    private static int connectionCap(String v) {
        return "off".equalsIgnoreCase(v) ? Limits.NO_CONNECTION_CAP : atLeastOne(Integer.parseInt(v));
    }

    private interface Setting {
        ServerConfig apply(String value, ServerConfig config);
    }

    /** Applies one variable if set; a value that does not parse or fits no range names the variable and the fix. */
    private static ServerConfig setting(
            Map<String, String> env, String name, ServerConfig c, Setting setting, String expected) {
        return setting(env, name, has(env, name), c, setting, expected);
    }

    /** As above, with {@code set} saying whether the variable counts as set (for most, a blank value does not). */
    private static ServerConfig setting(
            Map<String, String> env, String name, boolean set, ServerConfig c, Setting setting, String expected) {
        if (!set) {
            return c;
        }
        String value = env.get(name).trim();
        try {
            return setting.apply(value, c);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            String shown = name.contains("KEYS") || name.contains("PASSWORD") ? "(value hidden)" : "'" + value + "'";
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new IllegalArgumentException(
                    name + "=" + shown + " is invalid (" + why + "): expected " + expected, e);
        }
    }

    private static int atLeastOne(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return n;
    }

    private static boolean has(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    /**
     * True when only this process uses the database, so start-up may take back every run left in flight
     * (EXPRUN_DB_EMBEDDED). Unset, it follows the URL: an SQLite file is this process's alone (the store refuses a
     * second process), a PostgreSQL database is shared, or one instance's start would steal the others' live runs.
     */
    public boolean isEmbeddedDb() {
        return dbEmbedded != null ? dbEmbedded : isSqlite();
    }

    /** True for the embedded SQLite, false for PostgreSQL: which messages and local files apply. */
    public boolean isSqlite() {
        return Dialect.of(dbUrl) == Dialect.SQLITE;
    }

    public ServerConfig withDbEmbedded(Boolean embedded) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                embedded,
                executor,
                retention);
    }

    public ServerConfig withExecutor(String className) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                className,
                retention);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(
                bind,
                p,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withBind(String b) {
        return new ServerConfig(
                b,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withDb(String url, String user, String password) {
        return new ServerConfig(
                bind,
                port,
                url,
                user,
                password,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withApiKeys(Map<String, String> keys) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                new LinkedHashMap<>(keys),
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withCatalog(Path path) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                path,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withWorkers(int n) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                n,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withSimulation(long docMillis, double failureRate) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                docMillis,
                failureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withLease(Duration l) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                l,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                l,
                dbEmbedded,
                executor,
                retention);
    }

    public ServerConfig withRetention(RetentionPolicy r) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                dbPoolSize,
                limits,
                dbEmbedded,
                executor,
                r);
    }

    public ServerConfig withDbPoolSize(int n) {
        return new ServerConfig(
                bind,
                port,
                dbUrl,
                dbUser,
                dbPassword,
                apiKeys,
                catalog,
                workers,
                simDocMillis,
                simFailureRate,
                lease,
                n,
                limits,
                dbEmbedded,
                executor,
                retention);
    }
}
