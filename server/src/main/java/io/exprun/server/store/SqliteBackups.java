package io.exprun.server.store;

import io.exprun.server.config.DatabaseInUseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * Backup and restore of the embedded SQLite database, as files.
 * <ul>
 * <li>{@link #backup}: {@code VACUUM INTO} on a read-only connection of its own. It reads in one transaction, so the
 * copy is the database as of that transaction's start, whatever the server commits meanwhile (WAL: the reader never
 * blocks the writer, nor the writer the reader). The copy is a single compact file in rollback-journal mode, written
 * beside the target and moved into place only when complete.</li>
 * <li>{@link #restore}: only while no exprun holds the data directory (the same OS lock a starting server takes, held
 * until the restore is done so none can start in between). The backup is copied beside the database and checked
 * there, the current database with its WAL moved aside, and the copy moved into place.</li>
 * </ul>
 */
public final class SqliteBackups {

    private static final DateTimeFormatter ASIDE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final List<String> JOURNAL_SUFFIXES = List.of("", "-wal", "-shm");

    private SqliteBackups() {}

    /** A database file that exprun can serve: its size and how many runs it holds. */
    public record Copy(Path file, long bytes, long runs) {}

    /** What a restore did: the database now in place, and where the one it replaced went (none if there was none). */
    public record Restored(Copy database, Optional<Path> previous) {}

    /** The file is not a database exprun wrote; the message says what it is instead. */
    public static final class NotAnExprunDatabase extends RuntimeException {
        NotAnExprunDatabase(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes a consistent copy of {@code database} to {@code target} while the server may be serving from it.
     *
     * @throws NoSuchFileException       there is no database file at {@code database}
     * @throws FileAlreadyExistsException {@code target} exists: a backup never overwrites anything
     */
    public static Copy backup(Path database, Path target) throws IOException, SQLException {
        if (!Files.isRegularFile(database)) {
            throw new NoSuchFileException(database.toString(), null, "no database file here");
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try {
            try (Connection c = readOnly(database);
                    PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, partial.toString());
                vacuum.execute();
            }
            force(partial);
            Copy copy = inspect(partial);
            Files.move(partial, target); // no REPLACE_EXISTING: a target created meanwhile is not overwritten
            forceDirectory(target);
            return new Copy(target, copy.bytes(), copy.runs());
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Checks that {@code file} is an intact exprun database (SQLite's quick_check, exprun's tables, Flyway's history)
     * and counts its runs, without writing to it.
     */
    public static Copy inspect(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try (Connection c = readOnly(file);
                Statement s = c.createStatement()) {
            try (ResultSet check = s.executeQuery("PRAGMA quick_check")) {
                String verdict = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new NotAnExprunDatabase(
                            "it is a damaged SQLite database (quick_check: " + verdict + ")", null);
                }
            }
            for (String table : List.of("runs", "results", "flyway_schema_history")) {
                try (PreparedStatement p =
                        c.prepareStatement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")) {
                    p.setString(1, table);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            throw new NotAnExprunDatabase(
                                    "it is an SQLite database without exprun's table " + table, null);
                        }
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
                rs.next();
                return new Copy(file, Files.size(file), rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new NotAnExprunDatabase("it is not an SQLite database (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Puts the backup {@code backup} in place of {@code database} (which need not exist), keeping the replaced one as
     * {@code <database>.before-restore-<UTC timestamp>} with its -wal and -shm.
     *
     * @throws DatabaseInUseException an exprun serves from this directory
     * @throws NotAnExprunDatabase           the backup is not an intact exprun database; nothing was changed
     */
    public static Restored restore(Path backup, Path database) throws IOException {
        if (!Files.isRegularFile(backup)) {
            throw new NoSuchFileException(backup.toString(), null, "no such file");
        }
        try (SqliteFileLock lock = SqliteFileLock.acquire(database)) {
            Path restoring = database.resolveSibling(database.getFileName() + ".restoring");
            deleteWithJournal(restoring);
            try {
                // checked as copied, not before: what is moved into place is exactly what was checked
                Files.copy(backup, restoring);
                force(restoring);
                inspect(restoring);
                Optional<Path> previous = Optional.empty();
                if (Files.exists(database)) {
                    previous = Optional.of(moveAside(database));
                }
                for (String suffix : JOURNAL_SUFFIXES.subList(1, JOURNAL_SUFFIXES.size())) {
                    // a WAL without its database (left by a crash, or by a copy) must not be replayed into the backup
                    Files.deleteIfExists(database.resolveSibling(database.getFileName() + suffix));
                }
                Files.move(restoring, database, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(database);
                return new Restored(inspect(database), previous);
            } finally {
                deleteWithJournal(restoring);
            }
        }
    }

    private static Path moveAside(Path database) throws IOException {
        String stamp = ASIDE_STAMP.format(Instant.now());
        Path aside = database.resolveSibling(database.getFileName() + ".before-restore-" + stamp);
        for (int n = 2; Files.exists(aside); n++) { // two restores within one second keep both
            aside = database.resolveSibling(database.getFileName() + ".before-restore-" + stamp + "-" + n);
        }
        // the WAL first: a database moved without its WAL would lose the commits not yet checkpointed
        for (String suffix : List.of("-wal", "-shm", "")) {
            Path from = database.resolveSibling(database.getFileName() + suffix);
            if (Files.exists(from)) {
                Files.move(from, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return aside;
    }

    private static Connection readOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(SqliteDataSource.BUSY_TIMEOUT_MS);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes a rename durable: on Linux the directory entry is on disk only once the directory is synced. */
    private static void forceDirectory(Path file) {
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notSupported) {
            // some platforms cannot open a directory; the file itself was synced
        }
    }

    private static void deleteWithJournal(Path file) throws IOException {
        for (String suffix : JOURNAL_SUFFIXES) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}
