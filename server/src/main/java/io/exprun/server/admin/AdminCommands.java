package io.exprun.server.admin;

import io.exprun.server.config.DataDirectory;
import io.exprun.server.config.DatabaseInUseException;
import io.exprun.server.config.Dialect;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.config.StartupFailure;
import io.exprun.server.store.SqliteBackups;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server jar's commands besides serving, for the embedded SQLite database:
 * {@code backup <file>} (online, while the server serves) and {@code restore <file>} (with the server stopped).
 * Both read EXPRUN_DB_URL as the server does. PostgreSQL has its own tools for this, pg_dump and pg_restore
 * (README: Backup and restore), and is referred to them.
 */
public final class AdminCommands {

    private static final Logger log = LoggerFactory.getLogger(AdminCommands.class);
    static final String USAGE = "java -jar exprun-server.jar [backup <new file> | restore <backup file>]";
    private static final String POSTGRES_TOOLS = "README: Backup and restore";

    private AdminCommands() {}

    /** Runs the command in {@code args}; returns the exit status (0 done, 1 failed, 2 bad command or setting). */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            if (args.size() != 2 || !List.of("backup", "restore").contains(args.get(0))) {
                throw new CommandFailure(
                        "run " + String.join(" ", args),
                        "unknown command or wrong arguments",
                        "usage: " + USAGE,
                        StartupFailure.EXIT_CONFIG,
                        null);
            }
            ServerConfig config;
            try {
                config = ServerConfig.fromEnv(env);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(
                        action(args.get(0)),
                        "invalid configuration: " + e.getMessage(),
                        "correct that environment variable (the README's Configuration table lists every EXPRUN_* "
                                + "setting)",
                        StartupFailure.EXIT_CONFIG,
                        e);
            }
            Path file = Path.of(args.get(1)).toAbsolutePath().normalize();
            List<String> said = args.get(0).equals("backup") ? backup(config, file) : restore(config, file);
            said.forEach(out::println);
            return 0;
        } catch (CommandFailure failure) {
            failure.lines().forEach(err::println);
            log.debug("{} failed", args, failure.getCause() != null ? failure.getCause() : failure);
            return failure.exitStatus();
        }
    }

    private static List<String> backup(ServerConfig config, Path target) {
        String action = action("backup");
        Path database = sqliteFile(
                config,
                action,
                "back PostgreSQL up with pg_dump -Fc --no-owner -d <database> -f " + "exprun.dump (" + POSTGRES_TOOLS
                        + ")");
        if (!Files.isDirectory(target.getParent())) {
            throw CommandFailure.failed(
                    action,
                    "the directory " + target.getParent() + " of the backup file does not " + "exist",
                    "create it (mkdir -p " + target.getParent() + ") or choose another place",
                    null);
        }
        try {
            SqliteBackups.Copy copy = SqliteBackups.backup(database, target);
            return List.of("backed up " + database + " to " + copy.file() + ": " + copy.bytes() + " bytes, "
                    + copy.runs() + " runs, as of the moment the backup began");
        } catch (FileAlreadyExistsException e) {
            throw CommandFailure.failed(
                    action,
                    target + " already exists (a backup never overwrites a file)",
                    "choose a new file name, e.g. exprun-backup-$(date +%Y%m%d-%H%M%S).db",
                    e);
        } catch (NoSuchFileException e) {
            throw CommandFailure.failed(
                    action,
                    "there is no exprun database at " + database,
                    "point EXPRUN_DB_URL at the server's database, as the server is started (the default, "
                            + ServerConfig.DEFAULT_DB_URL + ", is relative to the directory it is started in)",
                    e);
        } catch (IOException | SQLException | RuntimeException e) {
            throw unexpected(action, e, target);
        }
    }

    private static List<String> restore(ServerConfig config, Path backup) {
        String action = action("restore");
        Path database = sqliteFile(
                config,
                action,
                "restore PostgreSQL with pg_restore --no-owner -d <new database> " + "exprun.dump (" + POSTGRES_TOOLS
                        + ")");
        DataDirectory dataDir = DataDirectory.of(config);
        try {
            dataDir.ensureWritable(); // a restore into a new directory creates it, owner-only, as a start would
            SqliteBackups.Restored restored = SqliteBackups.restore(backup, database);
            SqliteBackups.Copy now = restored.database();
            return List.of(
                    "restored " + backup + " into " + database + ": " + now.bytes() + " bytes, " + now.runs() + " runs",
                    restored.previous()
                            .map(p -> "the database it replaced is kept as " + p
                                    + " (with its -wal and -shm, if any); delete it once you are satisfied")
                            .orElse("there was no database there before"));
        } catch (DatabaseInUseException e) {
            throw CommandFailure.failed(
                    action,
                    "the data directory " + dataDir + " is in use by a running exprun (its " + "database is locked)",
                    "stop the server first, then run the restore again",
                    e);
        } catch (SqliteBackups.NotAnExprunDatabase e) {
            throw CommandFailure.failed(
                    action,
                    backup + " is not an exprun backup: " + e.getMessage(),
                    "give a file written by: java -jar exprun-server.jar backup <file> (nothing was changed)",
                    e);
        } catch (NoSuchFileException e) {
            throw CommandFailure.failed(
                    action,
                    "there is no backup file " + backup,
                    "give the path of a file written by: java -jar exprun-server.jar backup <file>",
                    e);
        } catch (IOException | RuntimeException e) {
            throw unexpected(action, e, dataDir.path());
        }
    }

    /** The database file EXPRUN_DB_URL names; PostgreSQL and in-memory SQLite have none and are refused. */
    private static Path sqliteFile(ServerConfig config, String action, String postgresFix) {
        if (Dialect.of(config.dbUrl()) == Dialect.POSTGRESQL) {
            throw CommandFailure.failed(
                    action,
                    "EXPRUN_DB_URL names a PostgreSQL database; this command is for the " + "embedded SQLite database",
                    postgresFix,
                    null);
        }
        return Dialect.sqliteFile(config.dbUrl())
                .orElseThrow(() -> CommandFailure.failed(
                        action,
                        "EXPRUN_DB_URL names an in-memory SQLite database, which has no file",
                        "set EXPRUN_DB_URL to the " + "server's database file, jdbc:sqlite:<file>",
                        null));
    }

    private static CommandFailure unexpected(String action, Exception e, Path where) {
        String said = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
        String lower = said.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left on device") || lower.contains("disk is full")) {
            return CommandFailure.failed(
                    action,
                    "the disk holding " + where + " is full (" + said + ")",
                    "free some space on it, or choose a place on another disk",
                    e);
        }
        if (e instanceof AccessDeniedException denied) {
            return CommandFailure.failed(
                    action,
                    "permission denied: " + denied.getFile(),
                    "run it as the user that runs exprun, or make that place writable for this user",
                    e);
        }
        return CommandFailure.failed(
                action,
                e.getClass().getSimpleName() + ": " + said,
                "see the message; nothing was replaced (a backup or restore moves its file into place only when "
                        + "complete)",
                e);
    }

    private static String action(String command) {
        return command.equals("backup") ? "back up" : "restore";
    }
}
