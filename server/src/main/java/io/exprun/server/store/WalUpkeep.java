package io.exprun.server.store;

import io.exprun.server.config.DaemonThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database's WAL bounded while the server writes. Every commit appends to the WAL; a checkpoint
 * copies it back into the database file; the WAL starts over from its beginning only after a checkpoint copied all of
 * it while no reader still reads from it. Under sustained writes and reads that moment never came by itself (issue
 * 34: the WAL grew to 265 MB), so:
 * <ul>
 * <li>a checkpointer of its own (thread {@code exprun-sqlite-checkpoint}, on a connection of its own) copies the WAL
 * into the database file every {@value #CHECK_MS} ms (PASSIVE: it waits for nobody and nobody waits for it), so the
 * writer's thread does not copy pages;</li>
 * <li>the writer, between two batches, once the WAL holds {@value #RESTART_FRAMES} frames or more, checkpoints with
 * RESTART: what the checkpointer has not copied yet, then a short wait for the readers still reading from the WAL
 * (new readers read the database file meanwhile), which holds the writer: it starts at {@value #RESTART_WAIT_MS} ms
 * and doubles after each try the readers did not finish in time (a reader's thread may be off its core for a while on
 * a busy machine), up to {@value #RESTART_WAIT_MAX_MS} ms, tries {@value #RESTART_RETRY_MS} ms apart. The next commit
 * starts the WAL over, and SQLite cuts its file back to {@link SqliteDataSource#WAL_LIMIT_BYTES};</li>
 * <li>after a second without writes, the writer truncates the WAL to nothing (TRUNCATE).</li>
 * </ul>
 * The WAL's size on disk is {@link #walBytes()} (the gauge {@code exprun_db_wal_bytes}).
 */
final class WalUpkeep {

    private static final Logger log = LoggerFactory.getLogger(WalUpkeep.class);

    /**
     * 16 MiB of 4 KiB pages: where the writer makes the WAL start over. The larger, the rarer the writer's short wait
     * for readers; the smaller, the more room before the 64 MB issue 34 allows when readers hold it up for a while
     * (on a loaded machine, a WAL written at full speed went 7 MB past where it should have started over).
     */
    static final int RESTART_FRAMES = 4096;

    static final long CHECK_MS = 50;
    static final long RESTART_WAIT_MS = 2;
    static final long RESTART_WAIT_MAX_MS = 64;
    static final long RESTART_RETRY_MS = 20;
    static final long IDLE_TRUNCATE_WAIT_MS = 100;
    static final long CLOSE_TRUNCATE_WAIT_MS = 1_000;
    /** PASSIVE waits for nothing; this only bounds a copy that would hang on a failing disk. */
    private static final long PASSIVE_DEADLINE_MS = 10_000;

    private final long restartFrames;
    private final Path wal;
    private final Connection checkpointer;
    private final Thread thread;
    /** Frames in the WAL as the last checkpoint saw them. */
    private volatile long framesInWal;
    /** Only the writer's thread touches these three. */
    private long nextRestartAt = System.nanoTime();

    private long restartWaitMs = RESTART_WAIT_MS;

    private boolean wroteSinceTruncate;
    private volatile boolean closed;

    /** @param checkpointer a connection of the checkpointer's own ({@link SqliteDataSource.Role#ALONE}) */
    WalUpkeep(Path database, Connection checkpointer) {
        this(database, checkpointer, RESTART_FRAMES);
    }

    /** @param restartFrames where the writer makes the WAL start over (tests: a small WAL, or none) */
    WalUpkeep(Path database, Connection checkpointer, long restartFrames) {
        this.restartFrames = restartFrames;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.checkpointer = checkpointer;
        this.thread = DaemonThreads.named("exprun-sqlite-checkpoint").newThread(this::copyInTheBackground);
        thread.start();
    }

    /** The WAL file's size now, in bytes (0 when there is none). */
    long walBytes() {
        try {
            return Files.size(wal);
        } catch (NoSuchFileException none) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    private void copyInTheBackground() {
        while (!closed) {
            try {
                Checkpoint c = checkpoint(checkpointer, "PASSIVE", PASSIVE_DEADLINE_MS);
                if (c.frames() >= 0) {
                    framesInWal = c.frames();
                }
                TimeUnit.MILLISECONDS.sleep(CHECK_MS);
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.debug("background checkpoint failed: {}", e.toString());
                try {
                    TimeUnit.MILLISECONDS.sleep(CHECK_MS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Called by the writer after each batch, on its connection, outside any transaction. */
    void afterBatch(Connection writer) {
        wroteSinceTruncate = true;
        if (framesInWal < restartFrames || System.nanoTime() - nextRestartAt < 0) {
            return;
        }
        boolean restarted = false;
        try {
            restarted = !checkpoint(writer, "RESTART", restartWaitMs).busy();
        } catch (SQLException e) {
            log.debug("RESTART checkpoint failed: {}", e.toString());
        }
        if (restarted) {
            framesInWal = 0;
            restartWaitMs = RESTART_WAIT_MS;
        } else {
            nextRestartAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESTART_RETRY_MS);
            restartWaitMs = Math.min(RESTART_WAIT_MAX_MS, 2 * restartWaitMs);
        }
    }

    /** Called by the writer when it has had nothing to write for a while: the WAL goes back to zero bytes. */
    void whenIdle(Connection writer) {
        if (wroteSinceTruncate && truncate(writer, IDLE_TRUNCATE_WAIT_MS)) {
            wroteSinceTruncate = false;
        }
    }

    /** The writer is done: stops the checkpointer, truncates the WAL one last time. */
    void close(Connection writer) {
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_TRUNCATE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        truncate(writer, CLOSE_TRUNCATE_WAIT_MS);
        try {
            checkpointer.close();
        } catch (SQLException e) {
            log.debug("closing the checkpointer's connection: {}", e.toString());
        }
    }

    private boolean truncate(Connection writer, long waitMs) {
        try {
            Checkpoint c = checkpoint(writer, "TRUNCATE", waitMs);
            if (!c.busy()) {
                framesInWal = 0;
            }
            return !c.busy();
        } catch (SQLException e) {
            log.debug("TRUNCATE checkpoint failed: {}", e.toString());
            return false;
        }
    }

    /** What {@code PRAGMA wal_checkpoint} answered: blocked or not, frames in the WAL (-1: unknown), frames copied. */
    record Checkpoint(boolean busy, long frames, long copied) {}

    /** A checkpoint of {@code mode}, waiting at most {@code waitMs} for readers and other checkpoints. */
    static Checkpoint checkpoint(Connection c, String mode, long waitMs) throws SQLException {
        Long outer = StatementDeadline.enterUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs));
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rows.next();
            return new Checkpoint(rows.getInt(1) != 0, rows.getLong(2), rows.getLong(3));
        } finally {
            StatementDeadline.leave(outer);
        }
    }
}
