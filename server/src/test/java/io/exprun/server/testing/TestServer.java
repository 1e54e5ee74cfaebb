package io.exprun.server.testing;

import io.exprun.server.ExprunServer;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.SimulatedBlockExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real exprun server for tests: real HTTP on an ephemeral loopback port, a real database (a fresh SQLite file in a
 * temporary directory, or the JDBC URL given), the two test tenants' keys. A class that needs one server for all its
 * tests declares {@link ExprunServerTest}; the factories here are for classes that start, restart or stop servers
 * themselves.
 */
public final class TestServer implements AutoCloseable {

    public static final Map<String, String> TEST_KEYS = Map.of(
            RunFixtures.KEY_A, RunFixtures.TENANT_A,
            RunFixtures.KEY_B, RunFixtures.TENANT_B);

    private final ExprunServer server;
    private final RunFixtures fixtures;

    private TestServer(ExprunServer server) {
        this.server = server;
        this.fixtures = new RunFixtures(server.runService(), server.store(), server.workerStore());
    }

    /** A config on a fresh embedded (SQLite) database, port 0, the test keys, fast simulated documents. */
    public static ServerConfig embeddedConfig(int workers) {
        try {
            Path dir = Files.createTempDirectory("exprun-test-");
            return ServerConfig.defaults()
                    .withPort(0)
                    .withDb("jdbc:sqlite:" + dir.resolve("exprun.db"), null, null)
                    .withApiKeys(TEST_KEYS)
                    .withWorkers(workers)
                    .withSimulation(20, 0.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh database of {@code kind} ("sqlite" or "postgres"), otherwise as {@link #embeddedConfig}. */
    public static ServerConfig config(String kind, int workers) {
        if (kind.equals("postgres")) {
            Postgres.Db db = Postgres.freshDatabase();
            return embeddedConfig(workers).withDb(db.url(), db.user(), db.password());
        }
        if (!kind.equals("sqlite")) {
            throw new IllegalArgumentException(kind);
        }
        return embeddedConfig(workers);
    }

    /** The embedded database, with {@code workers} worker threads (0: runs stay exactly where fixtures put them). */
    public static TestServer startEmbedded(int workers) {
        return start(embeddedConfig(workers));
    }

    public static TestServer start(ServerConfig config) {
        return start(config, new SimulatedBlockExecutor(config.simDocMillis(), config.simFailureRate()), List.of());
    }

    public static TestServer start(ServerConfig config, BlockExecutor executor, List<Object> extraComponents) {
        return start(config, executor, extraComponents, java.time.Clock.systemUTC());
    }

    /** As {@link #start(ServerConfig, BlockExecutor, List)}, every time stamp taken from {@code wallClock}. */
    public static TestServer start(
            ServerConfig config, BlockExecutor executor, List<Object> extraComponents, java.time.Clock wallClock) {
        try {
            return new TestServer(ExprunServer.start(config, executor, extraComponents, wallClock));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return server.baseUri();
    }

    public int port() {
        return server.baseUri().getPort();
    }

    public ExprunServer server() {
        return server;
    }

    public RunFixtures fixtures() {
        return fixtures;
    }

    @Override
    public void close() {
        server.close();
    }
}
