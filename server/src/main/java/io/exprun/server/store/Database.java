package io.exprun.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** A pooled connection to H2 or PostgreSQL, migrated to the current schema by Flyway on open. */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final boolean embedded;

    private Database(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
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
        config.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, jdbcUrl.startsWith("jdbc:h2:"));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True for the embedded H2 default: only this process uses the data, so start-up may recover all of it. */
    public boolean isEmbedded() {
        return embedded;
    }

    public boolean isReachable() {
        try (var c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
