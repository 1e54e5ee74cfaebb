package io.exprun.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded database's file gives pages back to the disk where it should shrink. SQLite reuses freed pages for new
 * rows by itself (so under retention the file stops growing); with {@code auto_vacuum=INCREMENTAL} it can also move
 * pages from the end of the file into free ones and cut the file, a few at a time ({@link #release}), which the
 * retention sweeper asks for once it has freed more than {@link #RESERVE} of the file: the reserve is left for the
 * runs still to come, the rest goes back.
 *
 * <p>The mode is chosen when a database is created, before its first table; an existing database only changes it
 * with a VACUUM, which rewrites the whole file (needing as much free space again) and holds the database meanwhile.
 * {@link #ensure} does that once, at start-up, before the server serves: a new file costs nothing, and a database of
 * 1M runs (~2.5 GB) takes a minute or two once. Without the room for it the server starts anyway, keeps reusing
 * freed pages, and tries again at the next start.
 */
final class IncrementalVacuum {

    private static final Logger log = LoggerFactory.getLogger(IncrementalVacuum.class);

    /** The free share of the file kept for new rows rather than given back. */
    static final double RESERVE = 0.25;

    /** {@code PRAGMA auto_vacuum}'s value for INCREMENTAL. */
    private static final int INCREMENTAL = 2;

    private IncrementalVacuum() {}

    /** Makes the database at {@code file} incremental (a VACUUM, once, when it is not). */
    static void ensure(Connection c, Path file) throws SQLException {
        if (intPragma(c, "auto_vacuum") == INCREMENTAL) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            boolean fresh = intPragma(c, "page_count") <= 1;
            long bytes = sizeWithWal(file);
            long room = Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace();
            if (!fresh && room < 2 * bytes) {
                log.warn(
                        "{} ({} MB) keeps its size after retention frees space: switching it to incremental vacuum "
                                + "needs {} MB free on its disk for a one-time VACUUM, and {} MB are; freed pages are "
                                + "still reused, and the next start tries again",
                        file,
                        bytes >> 20,
                        (2 * bytes) >> 20,
                        room >> 20);
                return;
            }
            if (!fresh) {
                log.info("{} ({} MB): switching to incremental vacuum, once, with a VACUUM", file, bytes >> 20);
            }
            long start = System.nanoTime();
            try {
                s.execute("VACUUM");
            } catch (SQLException e) { // SQLite leaves the file as it was: serve it as it is
                log.warn("the one-time VACUUM of {} failed, the next start tries again: {}", file, e.getMessage());
                return;
            }
            if (!fresh) {
                log.info("{}: incremental vacuum on after {} ms", file, (System.nanoTime() - start) / 1_000_000);
            }
        } catch (IOException e) {
            log.warn("could not tell the free space for the one-time VACUUM of {}: {}", file, e.toString());
        }
    }

    /**
     * Gives back up to {@code maxPages} of the pages free beyond {@link #RESERVE} of the file, in the caller's
     * transaction; returns how many went (0 on a database that is not incremental: nothing can go). One statement per
     * page: sqlite-jdbc steps a statement once, and {@code incremental_vacuum(n)} frees one page per step.
     */
    static int release(Handle h, int maxPages) throws SQLException {
        Connection c = h.getConnection();
        long free = intPragma(c, "freelist_count");
        long excess = free - (long) (intPragma(c, "page_count") * RESERVE);
        int n = (int) Math.min(maxPages, Math.max(0, excess));
        if (n == 0 || intPragma(c, "auto_vacuum") != INCREMENTAL) {
            return 0;
        }
        try (PreparedStatement onePage = c.prepareStatement("PRAGMA incremental_vacuum(1)")) {
            for (int i = 0; i < n; i++) {
                onePage.execute();
            }
        }
        return (int) (free - intPragma(c, "freelist_count"));
    }

    private static long sizeWithWal(Path file) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    private static int intPragma(Connection c, String pragma) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("PRAGMA " + pragma)) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }
}
