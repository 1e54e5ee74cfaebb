package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL stays bounded while one writer writes without pause and readers read without pause (issue 34: the WAL
 * grew to 265 MB when checkpoints could not finish), and goes back to zero bytes once writes stop. Scaled down: the
 * writer restarts the WAL at 1 MiB here, and the test writes 32 MiB. The negative control is the same load without
 * the writer's restarts, where the readers keep the WAL from starting over and it grows.
 */
class WalUpkeepTest {

    /** 16 times where the WAL starts over: readers on a loaded machine hold a restart up for a while. */
    private static final long WAL_BOUND = 16L << 20;

    private static final long WRITTEN = 32L << 20;
    private static final int ROW = 16_000;

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<SqliteWriter> writers = new ArrayList<>();

    @AfterEach
    void close() {
        threads.shutdownNow();
        writers.forEach(SqliteWriter::close);
    }

    @Test
    void under_sustained_writes_and_reads_the_wal_stays_bounded_and_is_truncated_when_writes_stop() throws Exception {
        Load load = run(256);
        System.out.println("[wal] largest with the writer's restarts: " + load.largestWal + " bytes");

        assertThat(load.largestWal).as("the WAL at every sample").isLessThanOrEqualTo(WAL_BOUND);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(load.upkeep.walBytes()).as("idle").isZero());
    }

    @Test
    void negative_control_without_the_writer_s_restarts_the_readers_let_the_wal_grow() throws Exception {
        Load load = run(Long.MAX_VALUE);
        System.out.println("[wal] largest without them: " + load.largestWal + " bytes");

        assertThat(load.largestWal).isGreaterThan(WAL_BOUND);
    }

    private record Load(long largestWal, WalUpkeep upkeep) {}

    /** One writer writes {@link #WRITTEN} bytes of rows, four readers scan meanwhile; the WAL sampled after each write. */
    private Load run(long restartFrames) throws Exception {
        Path file = dir.resolve("wal.db");
        String url = "jdbc:sqlite:" + file;
        SqliteDataSource readers = new SqliteDataSource(url, SqliteDataSource.Role.READER);
        WalUpkeep upkeep = new WalUpkeep(
                file, new SqliteDataSource(url, SqliteDataSource.Role.ALONE).getConnection(), restartFrames);
        Connection connection = new SqliteDataSource(url, SqliteDataSource.Role.WRITER).getConnection();
        SqliteWriter writer = new SqliteWriter(connection, null, upkeep, Database.WRITER_BATCH);
        writers.add(writer);
        SqlRunner sql = new SqlRunner(readers, writer, Duration.ofSeconds(60));
        sql.writeEach(h -> h.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"));
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> reading = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            reading.add(threads.submit(() -> {
                while (writing.get()) {
                    sql.read(h -> h.createQuery("SELECT count(*), max(length(body)) FROM t")
                            .mapToMap()
                            .one());
                }
                return null;
            }));
        }
        AtomicLong largest = new AtomicLong();
        for (long written = 0; written < WRITTEN; written += ROW) {
            sql.write(h -> h.execute("INSERT INTO t (body) VALUES (hex(randomblob(?)))", ROW / 2));
            largest.accumulateAndGet(upkeep.walBytes(), Math::max);
            if (written % (64 * ROW) == 0) { // keep the table small: the point is the WAL, not the file
                sql.write(h -> h.execute("DELETE FROM t WHERE id < (SELECT max(id) - 64 FROM t)"));
            }
        }
        writing.set(false);
        for (Future<?> f : reading) {
            f.get(30, TimeUnit.SECONDS);
        }
        return new Load(largest.get(), upkeep);
    }
}
