package io.exprun.server.config;

import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.flywaydb.core.api.FlywayException;

/**
 * Why exprun could not start, in two lines an operator can act on: the cause, and the fix. {@link #explain} reads the
 * exception that stopped the start (whose real cause is usually the last {@code Caused by} of a long trace) and
 * recognises what operators meet: a data directory in use or not writable, a full disk, a taken port, a PostgreSQL
 * that refuses the login or the migration, an invalid EXPRUN_* value. The trace itself is for DEBUG logging only.
 *
 * <p>Longer than most classes here because it is one table of known failures; each entry is a few lines.
 */
public final class StartupFailure extends RuntimeException {

    /** Exit status for an invalid EXPRUN_* value; every other start-up failure exits {@link #EXIT_FAILED}. */
    public static final int EXIT_CONFIG = 2;

    public static final int EXIT_FAILED = 1;

    private final String fix;
    private final int exitStatus;

    public StartupFailure(String cause, String fix, int exitStatus, Throwable original) {
        super(cause, original);
        this.fix = fix;
        this.exitStatus = exitStatus;
    }

    /** An EXPRUN_* variable with a value exprun cannot use. */
    public static StartupFailure invalidSetting(IllegalArgumentException e) {
        return new StartupFailure(
                "invalid configuration: " + e.getMessage(),
                "correct that environment variable (the README's Configuration table lists every EXPRUN_* setting)",
                EXIT_CONFIG,
                e);
    }

    /** What to print: {@code exprun: cannot start: <cause>} and {@code   fix: <fix>}. */
    public List<String> lines() {
        return List.of("exprun: cannot start: " + getMessage(), "  fix: " + fix);
    }

    public String fix() {
        return fix;
    }

    public int exitStatus() {
        return exitStatus;
    }

    /** The two lines for {@code failure}, thrown while starting with {@code config}. */
    public static StartupFailure explain(Throwable failure, ServerConfig config, DataDirectory dataDir) {
        if (failure instanceof StartupFailure known) {
            return known;
        }
        List<Throwable> chain = chain(failure);
        boolean migrating = chain.stream().anyMatch(t -> t instanceof FlywayException);
        String db = config.isSqlite() ? "embedded SQLite" : "PostgreSQL at " + hostPort(config.dbUrl());
        String user = config.dbUser() == null ? "(none given)" : "'" + config.dbUser() + "'";

        for (Throwable t : chain) {
            if (t instanceof BindException) {
                String where = config.bind() + ":" + config.port();
                return String.valueOf(t.getMessage()).contains("already in use")
                        ? failed(
                                "port " + config.port() + " on " + config.bind()
                                        + " is already in use (another exprun, " + "or another program, listens there)",
                                "stop that program, or choose another port: EXPRUN_PORT=" + (config.port() + 1)
                                        + " (EXPRUN_PORT=0 picks any free port)",
                                failure)
                        : failed(
                                "cannot listen on " + where + ": " + t.getMessage(),
                                "set EXPRUN_BIND to an address of this machine (127.0.0.1, or 0.0.0.0 for all)",
                                failure);
            }
            if (isDiskFull(t)) {
                return failed(
                        "the disk holding "
                                + (config.isSqlite() ? "the data directory " + dataDir : "the " + db + " database")
                                + " is full (" + t.getMessage().trim() + ")",
                        "free some space on it and start again",
                        failure);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof DatabaseHasOtherNamesException names) {
                return failed(
                        "the SQLite database " + names.database() + " has " + names.names() + " names (hard links): "
                                + "another exprun could be using it under another name, which SQLite would let "
                                + "corrupt it",
                        "remove the other names (find them: find / -xdev -samefile " + names.database()
                                + "), or give this instance a copy of its own: EXPRUN_DB_URL=jdbc:sqlite:"
                                + "/another/dir/exprun.db",
                        failure);
            }
            if (t instanceof DatabaseInUseException) {
                return failed(
                        "the data directory " + dataDir + " is in use by another exprun (its SQLite database is "
                                + "locked)",
                        "stop the other instance, or give this one its own directory with EXPRUN_DB_URL=jdbc:sqlite:"
                                + "/another/dir/exprun.db (instances sharing data need PostgreSQL)",
                        failure);
            }
            if (t instanceof AccessDeniedException || isReadOnly(t)) {
                String path = ((FileSystemException) t).getFile();
                boolean elsewhere = path != null && !Path.of(path).equals(dataDir.path());
                return failed(
                        "cannot write to the data directory " + dataDir + " ("
                                + (isReadOnly(t) ? "read-only file system" : "permission denied")
                                + (elsewhere ? ": " + path : "") + ")",
                        (isReadOnly(t)
                                        ? "mount that file system read-write"
                                        : "make it writable for the user running " + "exprun (chmod u+rwx " + dataDir
                                                + ")")
                                + ", or point EXPRUN_DB_URL at a writable "
                                + "place: jdbc:sqlite:/writable/dir/exprun.db",
                        failure);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                StartupFailure known = postgres(sql, migrating, db, user, config, failure);
                if (known != null) {
                    return known;
                }
            }
            if (t instanceof UnknownHostException) {
                return failed("cannot reach " + db + ": unknown host", "correct the host in EXPRUN_DB_URL", failure);
            }
            if (t instanceof ConnectException && !config.isSqlite()) {
                return unreachable(db, failure);
            }
        }
        if (migrating) {
            return failed(
                    "the database schema could not be migrated: " + firstLine(failure.getMessage()),
                    "see the README (Running on PostgreSQL) for the privileges exprun needs; run with "
                            + "EXPRUN_LOG_LEVEL=DEBUG for the full trace",
                    failure);
        }
        Throwable root = chain.get(chain.size() - 1);
        return failed(
                root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()),
                "run with EXPRUN_LOG_LEVEL=DEBUG for the full trace",
                failure);
    }

    private static StartupFailure postgres(
            SQLException sql, boolean migrating, String db, String user, ServerConfig config, Throwable failure) {
        String state = sql.getSQLState();
        String said = firstLine(sql.getMessage());
        switch (state) {
            case "28P01":
                return failed(
                        db + " refused the login of user " + user + ": wrong password",
                        "set EXPRUN_DB_USER and EXPRUN_DB_PASSWORD to the role created for exprun",
                        failure);
            case "28000":
                return failed(
                        db + " refused the login of user " + user + " (" + said + ")",
                        "create the role with LOGIN, or allow it in pg_hba.conf (README: Running on PostgreSQL)",
                        failure);
            case "3D000":
                return failed(
                        db + ": " + said,
                        "create the database (README: Running on PostgreSQL) or correct "
                                + "the database name in EXPRUN_DB_URL",
                        failure);
            case "42501":
                return migrating
                        ? failed(
                                "user " + user + " may not create exprun's tables in " + db + " (" + said + ")",
                                "grant it the schema: GRANT USAGE, CREATE ON SCHEMA public TO " + bare(config.dbUser())
                                        + " (or make it the database owner; README: Running on PostgreSQL)",
                                failure)
                        : failed(
                                "user " + user + " may not connect to " + db + " (" + said + ")",
                                "GRANT CONNECT ON DATABASE <database> TO " + bare(config.dbUser()),
                                failure);
            case "53100":
                return failed(
                        "the disk of " + db + " is full (" + said + ")",
                        "free space on the database server and start again",
                        failure);
            case "53300":
                return failed(
                        db + " has no free connections (" + said + ")",
                        "raise max_connections on the server, or run fewer instances",
                        failure);
            default:
                if (state.startsWith("08")) {
                    return unreachable(db, failure);
                }
                return null;
        }
    }

    private static StartupFailure unreachable(String db, Throwable failure) {
        return failed(
                "cannot reach " + db + " (connection refused or timed out)",
                "start PostgreSQL, or correct host and port in EXPRUN_DB_URL",
                failure);
    }

    private static StartupFailure failed(String cause, String fix, Throwable original) {
        return new StartupFailure(cause, fix, EXIT_FAILED, original);
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static boolean isDiskFull(Throwable t) {
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("no space left on device")
                || m.contains("disk full")
                || m.contains("disk is full")
                || m.contains("not enough space");
    }

    private static boolean isReadOnly(Throwable t) {
        return t instanceof FileSystemException f
                && f.getReason() != null
                && f.getReason().toLowerCase(Locale.ROOT).contains("read-only");
    }

    private static String hostPort(String jdbcUrl) {
        try {
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            return Optional.ofNullable(uri.getHost()).orElse("localhost") + ":"
                    + (uri.getPort() < 0 ? 5432 : uri.getPort());
        } catch (RuntimeException notAUri) {
            return jdbcUrl;
        }
    }

    private static String bare(String user) {
        return user == null ? "<user>" : user;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
