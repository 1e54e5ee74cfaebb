package io.exprun.server.store;

import io.exprun.server.config.DatabaseHasOtherNamesException;
import io.exprun.server.config.DatabaseInUseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One embedded exprun per SQLite file, whatever path leads to it. SQLite itself lets several processes share a file,
 * but an embedded exprun takes back every run left in flight when it starts (they are its own), which would steal a
 * live instance's runs: so the second one is refused, by an OS file lock that dies with its holder (kill -9
 * included). Instances told that the file is shared (EXPRUN_DB_EMBEDDED=false) take no lock and leave in-flight runs
 * to their leases.
 *
 * <p>The file is known by its identity, not by the path it was given:
 * <ul>
 * <li>the lock is taken on {@code <file>.lock} beside the file's real path (symbolic links in the path and in its
 * directories resolved, a relative path made absolute), so every path that resolves to the file takes the same
 * lock;</li>
 * <li>a file with more than one name (hard links) is refused ({@link DatabaseHasOtherNamesException}): a second
 * server could open it under the other name, whose lock file is elsewhere, and SQLite keys its journal by name, so
 * the two would corrupt it (what issue 34 saw: 52 of 60 answers {@code SQLITE_CORRUPT_INDEX}). Nothing in exprun makes
 * such links; an operator who did removes the other name.</li>
 * </ul>
 * The lock is a separate file, never byte ranges of the database: POSIX locks (Java's {@code FileChannel.lock} on
 * Linux) belong to the process and all go when it closes any descriptor of the file, which SQLite does whenever one of
 * its connections closes, so a lock on the database itself would vanish while the server runs.
 */
public final class SqliteFileLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private SqliteFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static SqliteFileLock acquire(Path database) {
        try {
            Path real = realPath(database);
            refuseOtherNames(real);
            Path lockFile = real.resolveSibling(real.getFileName() + ".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new DatabaseInUseException(database);
            }
            return new SqliteFileLock(channel, lock);
        } catch (OverlappingFileLockException sameProcess) {
            throw new DatabaseInUseException(database);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's real path; for a file not created yet, its directory's real path and its name. */
    static Path realPath(Path database) throws IOException {
        Path absolute = database.toAbsolutePath();
        try {
            return absolute.toRealPath();
        } catch (NoSuchFileException notYet) {
            return absolute.getParent().toRealPath().resolve(absolute.getFileName());
        }
    }

    private static void refuseOtherNames(Path real) throws IOException {
        if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)
                || !real.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return;
        }
        int names = (Integer) Files.getAttribute(real, "unix:nlink");
        if (names > 1) {
            throw new DatabaseHasOtherNamesException(real, names);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process is letting go of the file anyway; the OS drops the lock with the channel
        }
    }
}
