package io.exprun.server.store;

import io.exprun.server.config.Dialect;
import java.sql.Connection;
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
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The one way from a store adapter to the database: Jdbi over the pool, with the database in use decided once
 * ({@link Dialect}), and every failure turned into a {@link StoreException} that tells a lost database (503) from a
 * failed statement (500). Adapters receive this runner; none opens a connection of its own.
 *
 * <p>Statements are plain SQL with {@code :named} or {@code ?} parameters; Jdbi's template engine is off, so a
 * {@code <} or {@code >} in a condition is never read as a template attribute.
 *
 * <p>A little over 250 lines because every way a statement reaches the database (a handle, a transaction, the hot
 * reads on a bare connection) shares one judgement of failures and one deadline, which is the point of the class.
 */
public final class SqlRunner {

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final Dialect dialect;
    /** Told of lost connections and of the storage refusing or taking writes; null when not on exprun's pool. */
    private final FailFastDataSource health;

    private final Duration statementTimeout;

    /** The ticket of a call that may not move the writes' state (the hot reads): older than any state. */
    private static final long NOT_A_WRITE = 0;

    /**
     * Rows changed so far by the statements run on this thread. Only a transaction that changed rows shows that the
     * storage takes writes again: one that changed none (a retention sweep with nothing to delete) commits on a full
     * disk too, having written nothing.
     */
    private static final ThreadLocal<long[]> CHANGED = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * @param statementTimeout how long one call ({@link #read}, {@link #write}, {@link #findOne}) may run
     *     (EXPRUN_STATEMENT_TIMEOUT_MS). PostgreSQL stops each statement after it (the sessions' statement_timeout,
     *     set by {@link Database}: SQLSTATE 57014); SQLite stops the call once it has passed ({@link StatementDeadline}, read by the
     *     handlers of {@link SqliteDataSource}: SQLITE_INTERRUPT while running, SQLITE_BUSY while waiting for the
     *     write lock). Either way the store is unavailable for now: 503 + Retry-After to an API caller.
     */
    public SqlRunner(DataSource dataSource, Dialect dialect, Duration statementTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.health = failFast(dataSource);
        this.statementTimeout = statementTimeout;
        this.jdbi = Jdbi.create(dataSource);
        CaffeineSqlCaches caches = new CaffeineSqlCaches();
        jdbi.getConfig(SqlStatements.class)
                .setTemplateEngine(TemplateEngine.NOP)
                .setTemplateCache(caches)
                .setSqlParser(new ColonPrefixSqlParser(caches))
                .addCustomizer(new StatementCustomizer() {
                    @Override
                    public void afterExecution(PreparedStatement statement, StatementContext context)
                            throws SQLException {
                        changed(statement.getUpdateCount());
                    }
                });
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
     * One row by a prepared statement with text parameters, on a pooled connection of its own and without a Jdbi
     * handle: the hot reads (a run or a result by id). Opening a handle copies Jdbi's configuration and probes the
     * connection, and its statement machinery binds by type and builds a statement context; together they made a get
     * ~10-17% slower at 32 connections (BENCHMARKS.md, "The store on Jdbi"). Failures are judged as in {@link #read}.
     */
    public <T> Optional<T> findOne(String sql, RowMapper<T> mapper, String... parameters) {
        Long outer = StatementDeadline.enter(statementTimeout);
        try {
            return findOneOnItsOwn(sql, mapper, parameters);
        } finally {
            StatementDeadline.leave(outer);
        }
    }

    private <T> Optional<T> findOneOnItsOwn(String sql, RowMapper<T> mapper, String... parameters) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw StoreException.unavailable(e);
        }
        StoreException failed = null;
        try {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(mapper.map(rows, null)) : Optional.empty();
                }
            } catch (SQLException e) {
                failed = failure(e, connection, NOT_A_WRITE); // before the close, as in run()
                throw failed;
            }
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                if (failed == null) {
                    throw new StoreException(e);
                }
                failed.addSuppressed(e);
            }
        }
    }

    /**
     * One row as {@link #findOne(String, RowMapper, String...)}, inside {@link #read} or {@link #write} on the handle's
     * connection (the row a cancel just wrote, in the cancel's transaction).
     */
    static <T> Optional<T> findOne(Handle h, String sql, RowMapper<T> mapper, String... parameters) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(mapper.map(rows, null)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * An insert, update or delete with text or integer parameters (null text allowed), as {@link #findOne}: the rows
     * it changed.
     */
    static int update(Handle h, String sql, Object... parameters) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Long number) {
                    statement.setLong(i + 1, number);
                } else {
                    statement.setString(i + 1, (String) parameters[i]);
                }
            }
            return changed(statement.executeUpdate());
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static int changed(int rows) {
        if (rows > 0) {
            CHANGED.get()[0] += rows;
        }
        return rows;
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
        long ticket = health != null ? health.writeStarts() : NOT_A_WRITE;
        long changedBefore = CHANGED.get()[0];
        Handle handle = open();
        RuntimeException failed = null;
        try {
            if (!inTransaction) {
                return work.withHandle(handle);
            }
            T result = handle.inTransaction(work);
            if (health != null && CHANGED.get()[0] > changedBefore) {
                health.wrote(ticket);
            }
            return result;
        } catch (JdbiException e) {
            failed = failure(
                    e, handle, ticket); // before the close: the connection is probed while it is still this handle's
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
    private StoreException failure(JdbiException e, Handle handle, long ticket) {
        return failure(sqlCause(e), handle.getConnection(), ticket);
    }

    private StoreException failure(SQLException cause, Connection connection, long ticket) {
        StoreException failure = judge(cause, connection);
        if (health != null && failure.cannotWrite()) {
            health.writeFailed(ticket, cause);
        }
        return failure;
    }

    private StoreException judge(SQLException cause, Connection connection) {
        boolean lost;
        try {
            lost = connection.isClosed() || !connection.isValid(1);
        } catch (SQLException probe) {
            lost = true;
        }
        if (!lost) {
            return new StoreException(cause);
        }
        if (health != null) {
            health.connectionLost(cause);
        }
        return StoreException.unavailable(cause);
    }

    private static FailFastDataSource failFast(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(FailFastDataSource.class)
                    ? dataSource.unwrap(FailFastDataSource.class)
                    : null;
        } catch (SQLException e) {
            return null; // not exprun's pool: nothing to tell
        }
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
