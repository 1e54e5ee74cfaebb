package io.exprun.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.exprun.server.config.Dialect;
import io.exprun.server.config.Limits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to SQLite (embedded) or PostgreSQL, migrated to the current schema by Flyway on open, with its
 * health kept current in the background ({@link DatabaseHealth}) and a pool that fails fast while the database is down.
 * On SQLite the pool only reads: every write goes through one {@link SqliteWriter}, which group-commits, and the WAL
 * is kept bounded by {@link WalUpkeep}.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final DatabaseHealth health;
    private final FailFastDataSource failFast;
    private final boolean embedded;
    private final Dialect dialect;
    private final SqliteFileLock fileLock;
    private final SqliteWriter writer;
    private final WalUpkeep walUpkeep;
    private final SqlRunner sql;

    private Database(
            HikariDataSource pool,
            DatabaseHealth health,
            boolean embedded,
            Dialect dialect,
            SqliteFileLock fileLock,
            SqliteWriting writing,
            Duration statementTimeout) {
        this.pool = pool;
        this.health = health;
        this.failFast = new FailFastDataSource(pool, health);
        this.embedded = embedded;
        this.dialect = dialect;
        this.fileLock = fileLock;
        this.walUpkeep = writing == null ? null : writing.upkeep();
        this.writer = writing == null ? null : writing.start(failFast);
        this.sql = writer == null
                ? new SqlRunner(failFast, dialect, statementTimeout)
                : new SqlRunner(failFast, writer, statementTimeout);
    }

    /**
     * What SQLite's writer needs before it starts: its connection and the WAL's upkeep, opened (and so checked) with
     * everything else before the database is handed out.
     */
    private record SqliteWriting(Connection connection, WalUpkeep upkeep, int maxBatch) {
        static SqliteWriting open(String jdbcUrl, Path file) throws SQLException {
            Connection connection = new SqliteDataSource(jdbcUrl, SqliteDataSource.Role.WRITER).getConnection();
            try {
                WalUpkeep upkeep =
                        new WalUpkeep(file, new SqliteDataSource(jdbcUrl, SqliteDataSource.Role.ALONE).getConnection());
                return new SqliteWriting(connection, upkeep, GroupCommit.switchedOff() ? 1 : WRITER_BATCH);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        SqliteWriter start(FailFastDataSource health) {
            try {
                return new SqliteWriter(connection, health, upkeep, maxBatch);
            } catch (SQLException e) {
                throw new StoreException(e);
            }
        }
    }

    /** The most writes one commit of SQLite's writer takes: a caller waits for at most the batch ahead and its own. */
    static final int WRITER_BATCH = 64;

    /** @param embedded only this process uses the database (see {@code ServerConfig.isEmbeddedDb}) */
    public static Database open(
            String jdbcUrl, String user, String password, int poolSize, Limits limits, boolean embedded) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig config = new HikariConfig();
        SqliteFileLock fileLock = null;
        SqliteWriting writing = null;
        if (dialect == Dialect.SQLITE) {
            Path file = Dialect.sqliteFile(jdbcUrl)
                    .orElseThrow(() -> new IllegalArgumentException("an embedded database must be a file"));
            // embedded: this process takes back every run left in flight when it starts, so it must be the only one
            fileLock = embedded ? SqliteFileLock.acquire(file) : null;
            try {
                H2Import.ifNeeded(file, jdbcUrl);
                SqliteDataSource alone = new SqliteDataSource(jdbcUrl);
                if (embedded) { // a file shared with other processes is not rewritten under them
                    try (Connection c = alone.getConnection()) {
                        IncrementalVacuum.ensure(c, file);
                    }
                }
                Flyway.configure()
                        .locations(migrations(dialect))
                        .dataSource(alone)
                        .load()
                        .migrate();
                writing = SqliteWriting.open(jdbcUrl, file);
            } catch (SQLException e) {
                closeAll(fileLock, null);
                throw new StoreException(e);
            } catch (RuntimeException e) {
                closeAll(fileLock, null);
                throw e;
            }
            config.setDataSource(new SqliteDataSource(jdbcUrl, SqliteDataSource.Role.READER));
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
            if (dialect == Dialect.POSTGRESQL) {
                try {
                    // common migrations, plus the few that must differ per database (the clock function), on a
                    // connection of its own, without the pool's statement_timeout (a migration of months of data may
                    // take longer than any API statement should; a session setting would leak into the pool)
                    Flyway.configure()
                            .locations(migrations(dialect))
                            .dataSource(jdbcUrl, user, password)
                            .load()
                            .migrate();
                } catch (RuntimeException e) {
                    ds.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            closeAll(fileLock, writing);
            throw e;
        }
        return new Database(
                ds,
                new DatabaseHealth(jdbcUrl, user, password, Clock.systemUTC(), limits.dbProbeInterval()),
                embedded,
                dialect,
                fileLock,
                writing,
                limits.statementTimeout());
    }

    private static void closeAll(SqliteFileLock fileLock, SqliteWriting writing) {
        if (writing != null) {
            writing.upkeep().close(writing.connection());
            try {
                writing.connection().close();
            } catch (SQLException ignored) {
                // failing to start anyway
            }
        }
        if (fileLock != null) {
            fileLock.close();
        }
    }

    /** Where the schema's migrations are: the common ones, and those that must differ per database. */
    static String[] migrations(Dialect dialect) {
        return new String[] {"classpath:db/migration", "classpath:db/vendor/" + dialect.vendor()};
    }

    /** The pool as the store uses it: fails at once while the database is known to be down (on SQLite: reads only). */
    public DataSource dataSource() {
        return failFast;
    }

    /** The pool itself, for metrics binders and tests (on SQLite: its connections only read). */
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

    /** SQLite's WAL file, its size now in bytes; empty on PostgreSQL. */
    public OptionalLong walBytes() {
        return walUpkeep == null ? OptionalLong.empty() : OptionalLong.of(walUpkeep.walBytes());
    }

    /** SQLite's writer: commits and writes so far, writes waiting; empty on PostgreSQL. */
    public Optional<WriterCounts> writerCounts() {
        return writer == null
                ? Optional.empty()
                : Optional.of(new WriterCounts(writer.commits(), writer.written(), writer.queued()));
    }

    /** What SQLite's one writer has done: {@code written / commits} is the writes per durable commit. */
    public record WriterCounts(long commits, long written, int queued) {}

    @Override
    public void close() {
        health.close();
        if (writer != null) {
            writer.close(); // what was queued is written first; the WAL is truncated
        }
        pool.close();
        if (fileLock != null) {
            fileLock.close();
        }
    }
}
