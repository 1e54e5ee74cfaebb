package io.exprun.server.store;

import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The small JDBC helper every store class builds on: a connection or a transaction around some SQL, binding,
 * and telling a lost database (503) from a failed statement. A base class rather than a collaborator on purpose:
 * the store's SQL was split out of one class into several, and inheriting the helpers let that code move verbatim
 * (see the commit "move cancel batch verbatim"). It holds no state beyond the pool and the row mapping.
 */
abstract class JdbcSupport {

    static final String ACTIVE = RowMapping.ACTIVE;
    static final String TERMINAL = RowMapping.TERMINAL;
    static final String RUN_COLUMNS = RowMapping.RUN_COLUMNS;

    /**
     * The database's clock in epoch milliseconds, read when the statement touches the row (after any lock wait):
     * every transition time and lease expiry uses it, so instances with skewed clocks agree (migration V2).
     */
    static final String DB_NOW = "exprun_now_ms()";

    /**
     * Every read of results goes through the view {@code results_view} (migration V4), which states the
     * derived-cancel rule once, in SQL: a result still unfinished in a cancelled run reads cancelled, with the run's
     * reason and time.
     */
    static final String RESULT_SELECT = "SELECT " + RowMapping.RESULT_COLUMNS + " FROM results_view r";

    final DataSource dataSource;
    final RowMapping rows;

    JdbcSupport(DataSource dataSource, RowMapping rows) {
        this.dataSource = dataSource;
        this.rows = rows;
    }

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** A connection, or the store is unavailable: failing to get one is never the statement's fault. */
    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw StoreException.unavailable(e);
        }
    }

    <T> T withConnection(SqlWork<T> work) {
        try (Connection c = connect()) {
            try {
                return work.run(c);
            } catch (SQLException e) {
                throw failure(e, c);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = connect()) {
            try {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback); // the first failure says why (SQLite may have rolled back itself)
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw failure(e, c);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * A statement failed: if its connection died under it, the database is what failed (503, and the pool is told,
     * see {@link FailFastDataSource#connectionLost}), not the SQL.
     */
    StoreException failure(SQLException e, Connection c) {
        boolean lost;
        try {
            lost = c.isClosed() || !c.isValid(1);
        } catch (SQLException probe) {
            lost = true;
        }
        if (!lost) {
            return new StoreException(e);
        }
        try {
            if (dataSource.isWrapperFor(FailFastDataSource.class)) {
                dataSource.unwrap(FailFastDataSource.class).connectionLost(e);
            }
        } catch (SQLException ignored) {
            // not our pool: nothing to tell
        }
        return StoreException.unavailable(e);
    }

    Optional<Run> selectRun(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rows.mapRun(rs)) : Optional.empty();
            }
        }
    }

    Optional<Result> selectResult(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rows.mapResult(rs)) : Optional.empty();
            }
        }
    }

    static List<String> ids(Connection c, String sql, int limit, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.setMaxRows(limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, a.toString());
            }
        }
    }
}
