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
 * failed statement (500). Adapters receive this runner; none opens a connection of its own. On SQLite every write
 * goes to the one {@link SqliteWriter} and the pool only reads; on PostgreSQL both use the pool.
 *
 * <p>Statements are plain SQL with {@code :named} or {@code ?} parameters; Jdbi's template engine is off, so a
 * {@code <} or {@code >} in a condition is never read as a template attribute.
 *
 * <p>A little over 250 lines because every way a statement reaches the database (a handle, a transaction, the
 * writer, the hot reads on a bare connection) shares one judgement of failures and one deadline, which is the point
 * of the class.
 */
public final class SqlRunner {

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final Dialect dialect;
    /** Told of lost connections and of the storage refusing or taking writes; null when not on exprun's pool. */
    private final FailFastDataSource health;
    /** SQLite's one writer; null on PostgreSQL, whose writes run on the pool. */
    private final SqliteWriter writer;

    private final Duration statementTimeout;

    /** The ticket of a call that may not move the writes' state (the hot reads): older than any state. */
    static final long NOT_A_WRITE = 0;

    /**
     * Rows changed so far by the statements run on this thread. Only a transaction that changed rows shows that the
     * storage takes writes again: one that changed none (a retention sweep with nothing to delete) commits on a full
     * disk too, having written nothing.
     */
    private static final ThreadLocal<long[]> CHANGED = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * Reads and writes on {@code dataSource} (PostgreSQL; a test's own pool).
     *
     * @param statementTimeout how long one call ({@link #read}, {@link #write}, {@link #findOne}) may run
     *     (EXPRUN_STATEMENT_TIMEOUT_MS). PostgreSQL stops each statement after it (the sessions' statement_timeout,
     *     set by {@link Database}: SQLSTATE 57014); SQLite stops the call once it has passed ({@link StatementDeadline}, read by the
     *     handlers of {@link SqliteDataSource}: SQLITE_INTERRUPT while running, SQLITE_BUSY while waiting for a
     *     lock; a write still queued for the writer at its deadline is not run). Either way the store is unavailable
     *     for now: 503 + Retry-After to an API caller.
     */
    public SqlRunner(DataSource dataSource, Dialect dialect, Duration statementTimeout) {
        this(dataSource, dialect, statementTimeout, null);
    }

    /** Reads on {@code readers}, every write through {@code writer} (SQLite). */
    SqlRunner(DataSource readers, SqliteWriter writer, Duration statementTimeout) {
        this(readers, Dialect.SQLITE, statementTimeout, writer);
    }

    private SqlRunner(DataSource dataSource, Dialect dialect, Duration statementTimeout, SqliteWriter writer) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.health = failFast(dataSource);
        this.statementTimeout = statementTimeout;
        this.writer = writer;
        this.jdbi = configured(Jdbi.create(dataSource));
    }

    /** Jdbi as every handle of exprun's uses it: plain SQL, no templates, cached parsing. */
    static Jdbi configured(Jdbi jdbi) {
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
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Reads on one pooled connection in auto-commit. Never write here: on SQLite the pool's connections cannot. */
    public <T> T read(HandleCallback<T, RuntimeException> work) {
        return run(work, false);
    }

    /**
     * Work in one transaction: committed when it returns, rolled back when it throws or when it undoes itself
     * ({@code throw SqlRunner.undo(answer)}: nothing it wrote counts, and the call returns {@code answer}). A failed
     * rollback is kept as a suppressed exception of the first failure, which says why (SQLite may have rolled back by
     * itself, e.g. on a full disk). On SQLite the work is queued for the one writer and committed with whatever
     * writes queued up with it ({@link SqliteWriter}); it may then run more than once before it is answered (only its
     * last run counts), so it must depend on nothing but the database and its arguments.
     */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        return writer != null ? writer.submit(work, StatementDeadline.deadlineOf(statementTimeout)) : run(work, true);
    }

    /**
     * Writes whose statements commit one by one on PostgreSQL, where a statement that fails (a duplicate key) ends its
     * transaction: the statements after it must still run (an idempotency claim reads the winning row after its
     * INSERT was refused). On SQLite a failed statement ends nothing, and this is {@link #write}.
     */
    public <T> T writeEach(HandleCallback<T, RuntimeException> work) {
        return writer != null ? write(work) : run(work, false);
    }

    /**
     * What a write throws to undo everything it wrote and still answer {@code answer} (a transition that turned out
     * not to apply): the call that ran it returns {@code answer}.
     */
    public static Undo undo(Object answer) {
        return new Undo(answer);
    }

    /** See {@link #undo}. Carries no stack trace: it is an answer, not a failure. */
    public static final class Undo extends RuntimeException {
        private final transient Object answer;

        private Undo(Object answer) {
            super("undone", null, false, false);
            this.answer = answer;
        }

        @SuppressWarnings("unchecked")
        <T> T answer() {
            return (T) answer;
        }
    }

    /** True when writes share commits by themselves (SQLite's one writer): a caller need not group them. */
    public boolean writesAreGrouped() {
        return writer != null;
    }

    /**
     * One row by a prepared statement with text parameters, on a pooled connection of its own and without a Jdbi
     * handle: the hot reads (a run or a result by id). Opening a handle copies Jdbi's configuration and probes the
     * connection, and its statement machinery binds by type and builds a statement context; together they made a get
     * ~10-17% slower at 32 connections (docs/benchmarks-archive.md, "The store on Jdbi"). Failures are judged as in {@link #read}.
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

    /** Rows changed so far by statements on this thread: compared before and after a transaction. */
    static long changedSoFar() {
        return CHANGED.get()[0];
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
        long ticket = health != null && inTransaction ? health.writeStarts() : NOT_A_WRITE;
        long changedBefore = changedSoFar();
        Handle handle = open();
        RuntimeException failed = null;
        try {
            if (!inTransaction) {
                return work.withHandle(handle);
            }
            T result;
            try {
                result = handle.inTransaction(work);
            } catch (Undo undone) { // rolled back by inTransaction, which rethrew it
                return undone.answer();
            }
            if (health != null && changedSoFar() > changedBefore) {
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
    static SQLException sqlCause(JdbiException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return new SQLException(e.getMessage(), null, 0, e);
    }
}
