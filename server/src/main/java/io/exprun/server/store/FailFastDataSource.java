package io.exprun.server.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as the store sees it: while {@link DatabaseHealth} says the database is down, asking for a connection
 * fails at once (SQLSTATE 08001, so the caller answers 503 + Retry-After) instead of waiting out the pool's timeout;
 * a connection that cannot be had because the database refuses or is unreachable marks it down.
 */
final class FailFastDataSource implements DataSource {

    private final HikariDataSource pool;
    private final DatabaseHealth health;

    FailFastDataSource(HikariDataSource pool, DatabaseHealth health) {
        this.pool = pool;
        this.health = health;
    }

    /**
     * A connection died under a statement: the database went away (PostgreSQL restarted, a network cut).
     * Mark it down until the probe sees it again, and retire every pooled connection, which died with it, so that
     * the first requests after the recovery do not meet them one by one.
     */
    void connectionLost(SQLException e) {
        health.tripped(e);
        if (pool.getHikariPoolMXBean() != null) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** A write starts: its ticket for {@link #writeFailed} or {@link #wrote} (see {@link DatabaseHealth#writeStarts}). */
    long writeStarts() {
        return health.writeStarts();
    }

    /** A write was refused by the storage (full, read-only): readiness says writes are failing. */
    void writeFailed(long ticket, SQLException e) {
        health.writeFailed(ticket, e);
    }

    /** A write committed: readiness says writes succeed, if it said otherwise. */
    void wrote(long ticket) {
        health.wrote(ticket);
    }

    @Override
    public Connection getConnection() throws SQLException {
        DatabaseHealth.State s = health.state();
        if (!s.up()) {
            throw new SQLTransientConnectionException(
                    "database unavailable since " + s.since() + ": " + s.reason(), "08001");
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            // HikariCP's timeout carries the driver's failure as its cause when connecting failed; an exhausted but
            // healthy pool times out with no cause and must not open the breaker
            if (e.getCause() instanceof SQLException
                    || e.getCause() instanceof java.io.IOException
                    || (e.getSQLState() != null && e.getSQLState().startsWith("08") && e.getCause() != null)) {
                health.tripped(e);
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
