package io.exprun.server.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;

/**
 * Where this instance keeps local state: the directory of the embedded H2 database ({@code ./data} by default), or
 * {@code ./data} when the database is elsewhere (PostgreSQL). Checked before the database opens, so a directory that
 * cannot be written is reported as exactly that, before H2 prints its own diagnostics.
 */
public final class DataDirectory {

    private final Path path;

    private DataDirectory(Path path) {
        this.path = path;
    }

    public static DataDirectory of(ServerConfig config) {
        return new DataDirectory(h2Directory(config.dbUrl()).orElse(Path.of("data").toAbsolutePath()));
    }

    public Path path() {
        return path;
    }

    /** For a {@code jdbc:h2:file:} (or plain {@code jdbc:h2:<path>}) URL, the directory its files live in. */
    static Optional<Path> h2Directory(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = jdbcUrl.substring("jdbc:h2:".length()).split(";")[0];
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")) {
            return Optional.empty();
        }
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (lower.startsWith("nio:") || lower.startsWith("split:")) {
            rest = rest.substring(rest.indexOf(':') + 1);
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        Path parent = Path.of(rest).toAbsolutePath().normalize().getParent();
        return Optional.ofNullable(parent);
    }

    /**
     * Creates the directory (owner-only, {@code rwx------}) if it is missing and proves it writable by creating and
     * removing a file in it. Throws the file system's own exception (access denied, read-only, no space), which
     * {@link StartupFailure} turns into a sentence.
     */
    public DataDirectory ensureWritable() throws IOException {
        if (!Files.isDirectory(path)) {
            try {
                if (isPosix()) {
                    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
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
        Files.delete(probe);
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
