package io.exprun.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.exprun.server.config.Limits;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * A pooled connection to H2 or PostgreSQL, migrated to the current schema by Flyway on open, with its health kept
 * current in the background ({@link DatabaseHealth}) and a pool that fails fast while the database is down.
 */
public final class Database implements AutoCloseable {

    /** Which database the URL names: what SQL and which vendor migrations apply. */
    public enum Dialect {
        H2("h2"), POSTGRESQL("postgresql");

        private final String migrations;

        Dialect(String migrations) {
            this.migrations = migrations;
        }

        static Dialect of(String jdbcUrl) {
            return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
        }
    }

    private final HikariDataSource pool;
    private final DatabaseHealth health;
    private final DataSource failFast;
    private final boolean embedded;
    private final Dialect dialect;

    private Database(HikariDataSource pool, DatabaseHealth health, boolean embedded, Dialect dialect) {
        this.pool = pool;
        this.health = health;
        this.failFast = new FailFastDataSource(pool, health);
        this.embedded = embedded;
        this.dialect = dialect;
    }

    /** @param embedded only this process uses the database (see {@code ServerConfig.isEmbeddedDb}) */
    public static Database open(String jdbcUrl, String user, String password, int poolSize, Limits limits,
                                boolean embedded) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("exprun");
        // a request waits this long for a connection, then answers 503: seconds-long waits pile up callers
        config.setConnectionTimeout(limits.dbConnectTimeout().toMillis());
        config.setValidationTimeout(Math.min(limits.dbConnectTimeout().toMillis(), 1_000));
        // stated, not assumed: every conditional update and the cancel/worker lock order are reasoned about under
        // READ COMMITTED (both databases' default today, but a server-side default can change)
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setExceptionOverrideClassName(EvictClosedH2Connections.class.getName());
        HikariDataSource ds = new HikariDataSource(config);
        Dialect dialect = Dialect.of(jdbcUrl);
        try {
            // common migrations, plus the few that must differ per database (the clock function)
            Flyway.configure().dataSource(ds)
                    .locations("classpath:db/migration", "classpath:db/vendor/" + dialect.migrations)
                    .load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, new DatabaseHealth(jdbcUrl, user, password, Clock.systemUTC(),
                limits.dbProbeInterval()), embedded, dialect);
    }

    /** The pool as the store uses it: fails at once while the database is known to be down. */
    public DataSource dataSource() {
        return failFast;
    }

    /** The pool itself, for metrics binders and tests. */
    public HikariDataSource pool() {
        return pool;
    }

    /** True when only this process uses the data (EXPRUN_DB_EMBEDDED), so start-up may recover all of it. */
    public boolean isEmbedded() {
        return embedded;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The last known state, without touching the database. */
    public DatabaseHealth.State health() {
        return health.state();
    }

    @Override
    public void close() {
        health.close();
        pool.close();
    }
}
