package io.exprun.server.store;

import io.exprun.server.config.DatabaseInUseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One embedded exprun per SQLite file. SQLite itself lets several processes share a file, but an embedded exprun
 * takes back every run left in flight when it starts (they are its own), which would steal a live instance's runs:
 * so the second one is refused, by an OS file lock that dies with its holder (kill -9 included). Instances told
 * that the file is shared (EXPRUN_DB_EMBEDDED=false) take no lock and leave in-flight runs to their leases.
 */
public final class SqliteFileLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private SqliteFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static SqliteFileLock acquire(Path database) {
        Path lockFile = database.resolveSibling(database.getFileName() + ".lock");
        try {
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
        } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
            throw new DatabaseInUseException(database);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
