package io.exprun.server.store;

import io.exprun.server.config.Dialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The one way from a store adapter to the database: Jdbi over the pool, with the database in use decided once
 * ({@link Dialect}), and every failure turned into a {@link StoreException} that tells a lost database (503) from a
 * failed statement (500). Adapters receive this runner; none opens a connection of its own.
 *
 * <p>Statements are plain SQL with {@code :named} or {@code ?} parameters; Jdbi's template engine is off, so a
 * {@code <} or {@code >} in a condition is never read as a template attribute.
 */
public final class SqlRunner {

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Duration statementTimeout;

    /**
     * @param statementTimeout how long one call ({@link #read} or {@link #write}) may run (EXPRUN_STATEMENT_TIMEOUT_MS).
     *     PostgreSQL stops each statement after it (JDBC's query timeout: the driver cancels the statement on the
     *     server, SQLSTATE 57014); SQLite stops the call once it has passed ({@link StatementDeadline}, read by the
     *     handlers of {@link SqliteDataSource}: SQLITE_INTERRUPT while running, SQLITE_BUSY while waiting for the
     *     write lock). Either way the store is unavailable for now: 503 + Retry-After to an API caller.
     */
    public SqlRunner(DataSource dataSource, Dialect dialect, Duration statementTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.statementTimeout = statementTimeout;
        this.jdbi = Jdbi.create(dataSource);
        CaffeineSqlCaches caches = new CaffeineSqlCaches();
        jdbi.getConfig(SqlStatements.class)
                .setTemplateEngine(TemplateEngine.NOP)
                .setTemplateCache(caches)
                .setSqlParser(new ColonPrefixSqlParser(caches));
        if (dialect == Dialect.POSTGRESQL) {
            // not on SQLite: sqlite-jdbc's query timeout only sets the busy timeout, replacing the busy handler
            jdbi.getConfig(SqlStatements.class).setQueryTimeout(wholeSeconds(statementTimeout));
        }
    }

    private static int wholeSeconds(Duration d) {
        return (int) Math.max(1, (d.toMillis() + 999) / 1000);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Work on one connection in auto-commit: each statement commits by itself. */
    public <T> T read(HandleCallback<T, RuntimeException> work) {
        return run(work, false);
    }

    /**
     * Work in one transaction: committed when it returns, rolled back when it throws or when it rolled back itself
     * ({@code handle.rollback()}: nothing it wrote counts). A failed rollback is kept as a suppressed exception of
     * the first failure, which says why (SQLite may have rolled back by itself, e.g. on a full disk).
     */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        return run(work, true);
    }

    /**
     * One row by a prepared statement with text parameters, on the handle's own connection: the hot paths (a get by id,
     * the row a cancel just wrote) without Jdbi's statement machinery (argument binding by type, statement context,
     * result iterator), which made a get ~10% slower at 32 connections (BENCHMARKS.md, "The store on Jdbi"). Inside
     * {@link #read} or {@link #write}, so its failures are judged as any statement's.
     */
    static <T> Optional<T> findOne(Handle h, String sql, RowMapper<T> mapper, String... parameters) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            timeOut(h, statement);
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(mapper.map(rows, null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /** An insert, update or delete with text parameters (null allowed), as {@link #findOne}: the rows it changed. */
    static int update(Handle h, String sql, String... parameters) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            timeOut(h, statement);
            bind(statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /** The query timeout Jdbi gives its own statements (PostgreSQL only, see the constructor), on a plain one. */
    private static void timeOut(Handle h, PreparedStatement statement) throws SQLException {
        Integer seconds = h.getConfig(SqlStatements.class).getQueryTimeout();
        if (seconds != null) {
            statement.setQueryTimeout(seconds);
        }
    }

    private static void bind(PreparedStatement statement, String[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setString(i + 1, parameters[i]);
        }
    }

    private <T> T run(HandleCallback<T, RuntimeException> work, boolean inTransaction) {
        Long outer = StatementDeadline.enter(statementTimeout);
        try {
            return runOnHandle(work, inTransaction);
        } finally {
            StatementDeadline.leave(outer);
        }
    }

    private <T> T runOnHandle(HandleCallback<T, RuntimeException> work, boolean inTransaction) {
        Handle handle = open();
        RuntimeException failed = null;
        try {
            return inTransaction ? handle.inTransaction(work) : work.withHandle(handle);
        } catch (JdbiException e) {
            failed = failure(e, handle); // before the close: the connection is probed while it is still this handle's
            throw failed;
        } catch (RuntimeException e) {
            failed = e;
            throw e;
        } finally {
            close(handle, failed);
        }
    }

    /**
     * Closing after a failure may fail too (Jdbi refuses to close a handle whose rollback failed, and rolls it back):
     * the first failure says why, the second is kept with it.
     */
    private static void close(Handle handle, RuntimeException failed) {
        try {
            handle.close();
        } catch (JdbiException e) {
            if (failed == null) {
                throw new StoreException(sqlCause(e));
            }
            failed.addSuppressed(e);
        }
    }

    /** A connection, or the store is unavailable: failing to get one is never the statement's fault. */
    private Handle open() {
        try {
            return jdbi.open();
        } catch (JdbiException e) {
            throw StoreException.unavailable(sqlCause(e));
        }
    }

    /**
     * A statement failed: if its connection died under it, the database is what failed (503, and the pool is told,
     * see {@link FailFastDataSource#connectionLost}), not the SQL.
     */
    private StoreException failure(JdbiException e, Handle handle) {
        SQLException cause = sqlCause(e);
        boolean lost;
        try {
            lost = handle.getConnection().isClosed() || !handle.getConnection().isValid(1);
        } catch (SQLException probe) {
            lost = true;
        }
        if (!lost) {
            return new StoreException(cause);
        }
        try {
            if (dataSource.isWrapperFor(FailFastDataSource.class)) {
                dataSource.unwrap(FailFastDataSource.class).connectionLost(cause);
            }
        } catch (SQLException ignored) {
            // not our pool: nothing to tell
        }
        return StoreException.unavailable(cause);
    }

    /** The driver's exception under Jdbi's; Jdbi's own when there is none (then it is never transient). */
    private static SQLException sqlCause(JdbiException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return new SQLException(e.getMessage(), null, 0, e);
    }
}
