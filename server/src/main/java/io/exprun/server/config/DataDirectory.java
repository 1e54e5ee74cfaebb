package io.exprun.server.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where this instance keeps local state: the directory of the embedded SQLite database ({@code ./data} by default), or
 * {@code ./data} when the database is elsewhere (PostgreSQL). Checked before the database opens, so a directory that
 * cannot be written is reported as exactly that, before SQLite reports its own diagnostics.
 */
public final class DataDirectory {

    private static final int ROOM_TO_START_BYTES = 1024 * 1024;

    private final Path path;

    private DataDirectory(Path path) {
        this.path = path;
    }

    public static DataDirectory of(ServerConfig config) {
        return new DataDirectory(Dialect.sqliteFile(config.dbUrl())
                .map(Path::getParent)
                .orElse(Path.of("data").toAbsolutePath()));
    }

    public Path path() {
        return path;
    }

    /**
     * Creates the directory (owner-only, {@code rwx------}) if it is missing and proves it writable, with room to
     * start, by writing and removing a file of {@value #ROOM_TO_START_BYTES} bytes in it. Throws the file system's
     * own exception (access denied, read-only, no space), which {@link StartupFailure} turns into a sentence.
     */
    public DataDirectory ensureWritable() throws IOException {
        if (!Files.isDirectory(path)) {
            try {
                if (isPosix()) {
                    Files.createDirectories(
                            path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(path);
                }
            } catch (FileAlreadyExistsException raced) {
                // created by someone else in between: checked below like any existing directory
            }
        }
        Path probe;
        try {
            probe = Files.createTempFile(path, ".write-check-", ".tmp");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(path.toString(), null, e.getReason()); // the directory, not the probe
        } catch (FileSystemException e) {
            throw (FileSystemException) new FileSystemException(path.toString(), null, e.getReason()).initCause(e);
        }
        try {
            // room for the database to start: SQLite's file, its WAL and the migrations' first pages. A disk without
            // it fails here with the file system's own "No space left on device", not as a failed migration.
            Files.write(probe, new byte[ROOM_TO_START_BYTES]);
        } finally {
            Files.delete(probe);
        }
        return this;
    }

    static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
