package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.HandleCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's one writer on a real SQLite file: writes that queue up while one commits share the next
 * commit, and each write stands alone inside it: one that fails, throws or undoes itself leaves nothing behind and
 * its neighbours are written; one interrupted at its deadline fails alone (503) while the writes SQLite rolled back
 * with it are written again; the storage refusing fails the batch (503); a write still queued at its deadline is not
 * run. Writes are lined up behind a write that holds the writer on a latch, and released together: no timing.
 */
class SqliteWriterTest {

    @TempDir
    Path dir;

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<SqliteWriter> writers = new ArrayList<>();
    private SqliteWriter writer;
    private SqlRunner patient;
    private SqlRunner quick;
    private SqliteDataSource readers;

    @BeforeEach
    void open() throws SQLException {
        writer = writer(Database.WRITER_BATCH);
        patient = new SqlRunner(readers, writer, Duration.ofSeconds(60));
        quick = new SqlRunner(readers, writer, Duration.ofSeconds(1));
        patient.writeEach(h -> h.execute("CREATE TABLE t (id TEXT PRIMARY KEY)"));
        patient.writeEach(h -> h.execute("INSERT INTO t VALUES ('taken')"));
    }

    private SqliteWriter writer(int maxBatch) throws SQLException {
        Path file = dir.resolve("w.db");
        String url = "jdbc:sqlite:" + file;
        readers = new SqliteDataSource(url, SqliteDataSource.Role.READER);
        Connection connection = new SqliteDataSource(url, SqliteDataSource.Role.WRITER).getConnection();
        WalUpkeep upkeep = new WalUpkeep(file, new SqliteDataSource(url, SqliteDataSource.Role.ALONE).getConnection());
        SqliteWriter w = new SqliteWriter(connection, null, upkeep, maxBatch);
        writers.add(w);
        return w;
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        writers.forEach(SqliteWriter::close);
    }

    @Test
    void writes_that_queue_up_while_one_commits_share_the_next_commit() throws Exception {
        List<Future<Integer>> ten = lineUp(patient, inserts("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));

        for (Future<Integer> f : ten) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isOne();
        }
        assertThat(rows()).contains("a", "j").hasSize(11);
        assertThat(commitsOfTheLineUp)
                .as("the holding write's commit, then one for all ten")
                .isEqualTo(2);
    }

    @Test
    void negative_control_a_writer_of_batches_of_one_commits_each_write_alone() throws Exception {
        SqliteWriter alone = writer(1);
        SqlRunner runner = new SqlRunner(readers, alone, Duration.ofSeconds(60));
        List<Future<Integer>> ten = lineUp(runner, inserts("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));

        for (Future<Integer> f : ten) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isOne();
        }
        assertThat(commitsOfTheLineUp).isEqualTo(11);
    }

    @Test
    void a_write_that_fails_leaves_nothing_behind_and_its_neighbours_in_the_batch_are_written() throws Exception {
        List<Future<Integer>> batch = lineUp(
                patient,
                insert("a"),
                h -> h.execute("INSERT INTO t VALUES ('half')") + h.execute("INSERT INTO t VALUES ('taken')"),
                h -> {
                    h.execute("INSERT INTO t VALUES ('thrown')");
                    throw new IllegalStateException("the write's own refusal");
                },
                insert("c"));

        assertThat(batch.get(0).get(30, TimeUnit.SECONDS)).isOne();
        assertThatThrownBy(() -> batch.get(1).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StoreException.class)
                .cause()
                .satisfies(e -> {
                    assertThat(((StoreException) e).duplicateKey()).isTrue();
                    assertThat(((StoreException) e).unavailable())
                            .as("the statement failed: 500")
                            .isFalse();
                });
        assertThatThrownBy(() -> batch.get(2).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the write's own refusal");
        assertThat(batch.get(3).get(30, TimeUnit.SECONDS)).isOne();
        assertThat(rows()).containsExactlyInAnyOrder("taken", "a", "c");
        assertThat(commitsOfTheLineUp).as("the four shared one commit").isEqualTo(2);
    }

    @Test
    void a_write_that_undoes_itself_answers_its_value_and_only_its_own_rows_go() throws Exception {
        List<Future<Object>> batch = lineUp(patient, h -> h.execute("INSERT INTO t VALUES ('a')"), h -> {
            h.execute("INSERT INTO t VALUES ('undone')");
            throw SqlRunner.undo("not applicable");
        });

        assertThat(batch.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(batch.get(1).get(30, TimeUnit.SECONDS)).isEqualTo("not applicable");
        assertThat(rows()).containsExactlyInAnyOrder("taken", "a");
    }

    @Test
    void a_write_interrupted_at_its_deadline_fails_alone_as_unavailable_and_the_rest_of_its_batch_is_written()
            throws Exception {
        // SQLite rolls the whole transaction back when a statement is interrupted: 'a' was written before the slow
        // one in the same transaction and must be written again
        CountDownLatch held = new CountDownLatch(1);
        Future<Object> holder = callers.submit(() -> patient.write(h -> awaitQuietly(held)));
        await().until(() -> writer.queued() == 0 && !holder.isDone());
        long before = writer.commits();
        Future<Integer> a = callers.submit(() -> patient.write(insert("a")));
        await().until(() -> writer.queued() == 1);
        Future<Integer> slow = callers.submit(() -> quick.write(h -> h.execute(
                "INSERT INTO t SELECT 'slow' WHERE (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                        + " WHERE x < 2000000000) SELECT count(*) FROM c) > 0")));
        await().until(() -> writer.queued() == 2);
        Future<Integer> c = callers.submit(() -> patient.write(insert("c")));
        await().until(() -> writer.queued() == 3);
        held.countDown();

        assertThat(a.get(60, TimeUnit.SECONDS)).isOne();
        assertThat(c.get(60, TimeUnit.SECONDS)).isOne();
        assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        StoreException.class,
                        e -> assertThat(e.unavailable())
                                .as("stopped by its deadline: 503")
                                .isTrue());
        assertThat(rows()).containsExactlyInAnyOrder("taken", "a", "c");
        assertThat(writer.commits() - before).isEqualTo(2);
    }

    @Test
    void a_write_still_queued_at_its_deadline_fails_as_unavailable_without_running() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        Future<Object> holder = callers.submit(() -> patient.write(h -> awaitQuietly(held)));
        await().until(() -> writer.queued() == 0 && !holder.isDone());
        long submitted = System.nanoTime();
        Future<Integer> late = callers.submit(() -> quick.write(insert("late")));
        await().until(() -> writer.queued() == 1);
        // the deadline is a time: it has to pass
        await().atMost(Duration.ofSeconds(30))
                .until(() -> System.nanoTime() - submitted > TimeUnit.MILLISECONDS.toNanos(1_200));
        held.countDown();

        assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.unavailable()).isTrue());
        assertThat(rows()).containsExactly("taken");
    }

    @Test
    void the_storage_refusing_a_write_fails_its_whole_batch_as_unavailable_and_writing_resumes_once_it_takes_them()
            throws Exception {
        long pages = patient.writeEach(
                h -> h.createQuery("PRAGMA page_count").mapTo(Long.class).one());
        patient.writeEach(h -> h.execute("PRAGMA max_page_count = " + pages)); // the file is full: SQLITE_FULL

        List<Future<Integer>> batch =
                lineUp(patient, insert("small"), h -> h.execute("INSERT INTO t SELECT hex(randomblob(100000))"));

        for (Future<Integer> f : batch) {
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.unavailable())
                                .as("503: the storage, not the statement")
                                .isTrue();
                        assertThat(e.cannotWrite()).isTrue();
                    });
        }
        assertThat(rows()).containsExactly("taken");

        patient.writeEach(h -> h.execute("PRAGMA max_page_count = 1073741823"));
        assertThat(patient.write(insert("after"))).isOne();
        assertThat(rows()).containsExactlyInAnyOrder("taken", "after");
    }

    @Test
    void reads_go_to_connections_that_cannot_write() {
        assertThatThrownBy(() -> patient.read(h -> h.execute("INSERT INTO t VALUES ('through the readers')")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("readonly");
        assertThat(rows()).containsExactly("taken");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private long commitsOfTheLineUp;

    /**
     * Holds the runner's writer with one write waiting on a latch, queues {@code writes} behind it one after another
     * (each queued before the next is sent), then lets the writer go. Sets {@link #commitsOfTheLineUp}.
     */
    @SafeVarargs
    private <T> List<Future<T>> lineUp(SqlRunner runner, HandleCallback<T, RuntimeException>... writes)
            throws Exception {
        SqliteWriter w = writers.get(writers.size() - 1); // the runner's: the last one opened
        CountDownLatch held = new CountDownLatch(1);
        long before = w.commits();
        Future<Object> holder = callers.submit(() -> runner.write(h -> awaitQuietly(held)));
        await().until(() -> w.queued() == 0 && !holder.isDone() && w.commits() == before);
        List<Future<T>> queued = new ArrayList<>();
        for (HandleCallback<T, RuntimeException> write : writes) {
            int ahead = queued.size();
            queued.add(callers.submit(() -> runner.write(write)));
            await().until(() -> w.queued() == ahead + 1);
        }
        held.countDown();
        holder.get(30, TimeUnit.SECONDS);
        for (Future<T> f : queued) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException failedAsTheTestExpects) {
                // the test looks at each answer itself
            }
        }
        commitsOfTheLineUp = w.commits() - before;
        return queued;
    }

    private static HandleCallback<Integer, RuntimeException>[] inserts(String... ids) {
        @SuppressWarnings("unchecked")
        HandleCallback<Integer, RuntimeException>[] all = new HandleCallback[ids.length];
        for (int i = 0; i < ids.length; i++) {
            all[i] = insert(ids[i]);
        }
        return all;
    }

    private static HandleCallback<Integer, RuntimeException> insert(String id) {
        return h -> h.execute("INSERT INTO t VALUES (?)", id);
    }

    private static Object awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private List<String> rows() {
        return patient.read(
                h -> h.createQuery("SELECT id FROM t").mapTo(String.class).list());
    }
}
