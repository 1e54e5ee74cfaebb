package io.exprun.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from an installed PostgreSQL's programs (Debian's, {@code /usr/lib/postgresql/<major>/bin}),
 * for what needs the client tools of the same major version as the server (pg_dump refuses a newer server, and the
 * embedded PostgreSQL of {@link Postgres} is newer than Debian 12's tools). Its data, socket and log live in a
 * temporary directory removed on {@link #close()}; it listens on 127.0.0.1 on a free port and checks passwords there.
 * PostgreSQL refuses to run as root, so a root JVM runs initdb and pg_ctl as {@code nobody} (through runuser).
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "cluster-superuser-pw";
    private static final String UNPRIVILEGED = "nobody";

    private final Path bin;
    private final Path root;
    private final int port;
    private final List<String> runAs;

    private PostgresCluster(Path bin, Path root, int port, List<String> runAs) {
        this.bin = bin;
        this.root = root;
        this.port = port;
        this.runAs = runAs;
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** initdb + pg_ctl start with the programs in {@code bin}; returns once the server accepts connections. */
    public static PostgresCluster start(Path bin) {
        Path root;
        try {
            root = Files.createTempDirectory("exprun-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> runAs = runningAsRoot() ? List.of("runuser", "-u", UNPRIVILEGED, "--") : List.of();
        PostgresCluster cluster = new PostgresCluster(bin, root, freePort(), runAs);
        try {
            Path pwfile = Files.writeString(root.resolve("pwfile"), SUPERUSER_PASSWORD + "\n");
            Files.createDirectory(root.resolve("socket"));
            if (runningAsRoot()) {
                UserPrincipal owner =
                        root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(UNPRIVILEGED);
                try (Stream<Path> all = Files.walk(root)) {
                    for (Path p : all.toList()) {
                        Files.setOwner(p, owner);
                    }
                }
            }
            cluster.server(
                    "initdb",
                    "-D",
                    cluster.data().toString(),
                    "-U",
                    SUPERUSER,
                    "--pwfile=" + pwfile,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-sync");
            cluster.server(
                    "pg_ctl",
                    "-D",
                    cluster.data().toString(),
                    "-l",
                    root.resolve("server.log").toString(),
                    "-w",
                    "-t",
                    "120",
                    "-o",
                    "-p " + cluster.port + " -k " + root.resolve("socket")
                            + " -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start");
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public int port() {
        return port;
    }

    public Path bin() {
        return bin;
    }

    /** A JDBC URL of {@code database} on this cluster, over TCP. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A libpq URL (for pg_dump, pg_restore, psql) of {@code database} as {@code user}, over TCP. */
    public String libpqUrl(String user, String database) {
        return "postgresql://" + user + "@127.0.0.1:" + port + "/" + database;
    }

    /** Runs each statement as the superuser, in the database {@code postgres}. */
    public void asSuperuser(String... statements) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, SUPERUSER_PASSWORD);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("as " + SUPERUSER + " on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a client program of this cluster's version ({@code pg_dump}, {@code pg_restore}) as this JVM's user, with
     * {@code env} added; throws with everything it printed unless it exits 0.
     */
    public List<String> client(Map<String, String> env, String program, String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve(program).toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private void server(String program, String... args) {
        List<String> command = new ArrayList<>(runAs);
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command, Map.of());
    }

    private Path data() {
        return root.resolve("data");
    }

    private List<String> run(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not exit: " + lines);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + String.join("\n", lines) + log());
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String log() {
        try {
            Path log = root.resolve("server.log");
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (fast shutdown) if it runs and removes the temporary directory. */
    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                server("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "stop");
            }
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary directory left behind is not worth failing a test for
            }
        }
    }
}
