package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.Limits;
import io.exprun.server.config.RetentionPolicy;
import io.exprun.server.work.RetentionSweeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Issue 34: the embedded database's file shrinks where it should. Retention deletes the 18,800 expired runs of 20,000
 * (with their results); the sweep then gives the freed pages back to the disk, in small steps, beyond a reserve of a
 * quarter of the file, and the file is smaller once the server closes. The negative control is the same sweep on a
 * database that is not incremental: the runs go, the file keeps its size. A database made before (auto_vacuum NONE)
 * is switched once, at start, with its rows intact.
 */
class IncrementalVacuumTest {

    private static final RetentionPolicy ONE_DAY =
            RetentionPolicy.DEFAULTS.withRuns(Duration.ofDays(1)).withSweepInterval(Duration.ofHours(1));

    @TempDir
    Path dir;

    private record Pages(long count, long free) {}

    @Test
    void retention_gives_the_pages_it_freed_back_to_the_disk_beyond_a_reserve() throws Exception {
        Path file = dir.resolve("shrinks.db");
        long before;
        try (Database db = open(file, true)) {
            Pages full = fillAndExpire(db);
            before = full.count();

            RetentionSweeper.Sweep sweep = sweeper(db).sweepOnce();

            assertThat(sweep.deleted().runs()).isEqualTo(TERMINAL_RUNS);
            Pages after = pages(db);
            assertThat(after.free())
                    .as("free pages left: at most the reserve")
                    .isLessThanOrEqualTo((long) (after.count() * IncrementalVacuum.RESERVE) + 1);
            assertThat(after.count()).as("pages in the file").isLessThan(before / 2);
        }
        assertThat(Files.size(file)).as("the file once closed").isLessThan(before * 4096 / 2);
    }

    @Test
    void negative_control_a_database_that_is_not_incremental_keeps_its_size() throws Exception {
        Path file = dir.resolve("keeps.db");
        try (Database db = open(file, false)) { // shared with other processes: never rewritten, so never switched
            assertThat(autoVacuum(db)).isZero();
            Pages full = fillAndExpire(db);

            RetentionSweeper.Sweep sweep = sweeper(db).sweepOnce();

            assertThat(sweep.deleted().runs()).isEqualTo(TERMINAL_RUNS);
            assertThat(pages(db).count()).isEqualTo(full.count());
            assertThat(new JdbiRetention(db.sql()).releaseFreeSpace(128)).isZero();
        }
    }

    @Test
    void a_database_made_before_incremental_vacuum_is_switched_once_at_start_with_its_rows_intact() throws Exception {
        Path file = dir.resolve("old.db");
        try (Database db = open(file, true)) {
            db.sql().write(h -> {
                try {
                    ListTestData.insert(h.getConnection());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
        }
        try (Connection plain = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                Statement s = plain.createStatement()) {
            s.execute("PRAGMA auto_vacuum = NONE");
            s.execute("VACUUM"); // as a database of exprun before this change was
        }

        try (Database db = open(file, true)) {
            assertThat(autoVacuum(db)).as("incremental").isEqualTo(2);
            long runs = db.sql()
                    .read(h -> h.createQuery("SELECT count(*) FROM runs")
                            .mapTo(Long.class)
                            .one());
            assertThat(runs).isEqualTo(ListTestData.RUNS_OF_A + ListTestData.RUNS_OF_B);
        }
    }

    private static Database open(Path file, boolean embedded) {
        return Database.open("jdbc:sqlite:" + file, null, null, 2, Limits.DEFAULTS, embedded);
    }

    /** Of {@link ListTestData}'s 20,000 runs, the terminal ones: all but 3 in 50. */
    private static final int TERMINAL_RUNS = 20_000 - 20_000 * 3 / 50;

    /** 20,000 runs, {@link #TERMINAL_RUNS} of them terminal and completed long ago. */
    private static Pages fillAndExpire(Database db) {
        db.sql().write(h -> {
            try {
                ListTestData.insert(h.getConnection());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return h.execute("UPDATE runs SET completed_at = 0 WHERE status IN " + Rows.TERMINAL);
        });
        return pages(db);
    }

    private static RetentionSweeper sweeper(Database db) {
        return new RetentionSweeper(new JdbiRetention(db.sql()), ONE_DAY, Clock.systemUTC(), (b, took) -> {});
    }

    private static Pages pages(Database db) {
        return db.sql()
                .read(h -> new Pages(
                        h.createQuery("PRAGMA page_count").mapTo(Long.class).one(),
                        h.createQuery("PRAGMA freelist_count").mapTo(Long.class).one()));
    }

    private static int autoVacuum(Database db) {
        return db.sql()
                .read(h ->
                        h.createQuery("PRAGMA auto_vacuum").mapTo(Integer.class).one());
    }
}
