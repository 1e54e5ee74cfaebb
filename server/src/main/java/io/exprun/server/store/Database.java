package io.exprun.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.exprun.server.config.Dialect;
import io.exprun.server.config.Limits;
import java.time.Clock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to SQLite (embedded) or PostgreSQL, migrated to the current schema by Flyway on open, with its
 * health kept current in the background ({@link DatabaseHealth}) and a pool that fails fast while the database is down.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final DatabaseHealth health;
    private final DataSource failFast;
    private final boolean embedded;
    private final Dialect dialect;
    private final SqliteFileLock fileLock;
    private final SqlRunner sql;

    private Database(
            HikariDataSource pool,
            DatabaseHealth health,
            boolean embedded,
            Dialect dialect,
            SqliteFileLock fileLock,
            java.time.Duration statementTimeout) {
        this.pool = pool;
        this.health = health;
        this.failFast = new FailFastDataSource(pool, health);
        this.embedded = embedded;
        this.dialect = dialect;
        this.fileLock = fileLock;
        this.sql = new SqlRunner(failFast, dialect, statementTimeout);
    }

    /** @param embedded only this process uses the database (see {@code ServerConfig.isEmbeddedDb}) */
    public static Database open(
            String jdbcUrl, String user, String password, int poolSize, Limits limits, boolean embedded) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        SqliteFileLock fileLock = null;
        if (dialect == Dialect.SQLITE) {
            java.util.Optional<java.nio.file.Path> file = Dialect.sqliteFile(jdbcUrl);
            // embedded: this process takes back every run left in flight when it starts, so it must be the only one
            fileLock = embedded ? file.map(SqliteFileLock::acquire).orElse(null) : null;
            try {
                file.ifPresent(f -> H2Import.ifNeeded(f, jdbcUrl));
            } catch (RuntimeException e) {
                if (fileLock != null) {
                    fileLock.close();
                }
                throw e;
            }
            config.setDataSource(new SqliteDataSource(jdbcUrl));
        } else {
            config.setJdbcUrl(jdbcUrl);
            // stated, not assumed: every conditional update and the cancel/worker lock order are reasoned about under
            // READ COMMITTED (the default today, but a server-side default can change). SQLite has one isolation:
            // serializable, with one writer at a time.
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            // EXPRUN_STATEMENT_TIMEOUT_MS, kept by the server for every statement of the pool's sessions: no timer
            // per statement in the driver (JDBC's query timeout schedules and cancels one on a shared timer each time)
            config.setConnectionInitSql(
                    "SET statement_timeout = " + limits.statementTimeout().toMillis());
        }
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
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
            try {
                // common migrations, plus the few that must differ per database (the clock function)
                var flyway = Flyway.configure().locations(migrations(dialect));
                // PostgreSQL: a connection of its own, without the pool's statement_timeout (a migration of months of
                // data may take longer than any API statement should; a session setting would leak into the pool)
                (dialect == Dialect.POSTGRESQL ? flyway.dataSource(jdbcUrl, user, password) : flyway.dataSource(ds))
                        .load()
                        .migrate();
            } catch (RuntimeException e) {
                ds.close();
                throw e;
            }
        } catch (RuntimeException e) {
            if (fileLock != null) {
                fileLock.close();
            }
            throw e;
        }
        return new Database(
                ds,
                new DatabaseHealth(jdbcUrl, user, password, Clock.systemUTC(), limits.dbProbeInterval()),
                embedded,
                dialect,
                fileLock,
                limits.statementTimeout());
    }

    /** Where the schema's migrations are: the common ones, and those that must differ per database. */
    static String[] migrations(Dialect dialect) {
        return new String[] {"classpath:db/migration", "classpath:db/vendor/" + dialect.vendor()};
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

    /** The one way to this database for the store's adapters, with its dialect. */
    public SqlRunner sql() {
        return sql;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The last known state, without touching the database. */
    public DatabaseHealth.State health() {
        return health.state();
    }

    /** Whether writes are failing for want of storage, as the last writes found. */
    public DatabaseHealth.Writes writes() {
        return health.writes();
    }

    @Override
    public void close() {
        health.close();
        pool.close();
        if (fileLock != null) {
            fileLock.close();
        }
    }
}
