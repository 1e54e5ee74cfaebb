package io.exprun.server.store;

import io.exprun.server.config.DaemonThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded database's one writer: every write of the server (creates, cancels, the workers' transitions and
 * leases, retention, experiments, idempotency keys) is queued here and run by one thread on one connection, which
 * commits whatever has queued up meanwhile in one transaction: one durable commit ({@code synchronous=FULL}) per
 * batch of up to {@code maxBatch} writes, in the order they arrived. SQLite lets one connection write at a time
 * anyway; a queue makes that a wait in line instead of connections polling for the lock (issue 34: with 16 pooled
 * writers polling, cancel reached half of what one commit per cancel allows).
 *
 * <p>Each write runs in a savepoint of the batch's transaction, so one that fails, or undoes itself
 * ({@link SqlRunner#undo}), leaves nothing behind and its neighbours go on. Two failures make SQLite roll the whole
 * transaction back by itself: an interrupted statement (its call passed its deadline), which fails that write alone
 * while the others run again in a new transaction; and the storage refusing (full disk, I/O error, read-only file,
 * the lock held by another process: {@link StoreException#unavailable()}), which fails the whole batch with that 503
 * (each write alone would meet the same storage). A failed commit fails the batch the same way.
 *
 * <p>Every answer, a failure's too, goes out once the batch committed: what a write met (a duplicate key) may be a
 * neighbour's row that only the commit makes real.
 *
 * <p>Deadlines: a write carries its caller's deadline (EXPRUN_STATEMENT_TIMEOUT_MS from its submission): one still
 * queued at it fails as unavailable without running; one running is interrupted at it ({@link StatementDeadline} on
 * this thread). Between batches, and when idle, the thread keeps the WAL bounded ({@link WalUpkeep}).
 *
 * <p>Over 250 lines because a write's whole way (queue, savepoint, judgement of its failure, commit, answer) is one
 * piece: that nothing is answered before its commit and everything is answered once is checked here, in one place.
 */
final class SqliteWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

    /** How long the writer waits for a write before it counts as idle (and lets the WAL upkeep truncate). */
    private static final long IDLE_MS = 1_000;

    /** How long {@link #close} waits for the queue to be written. */
    private static final long CLOSE_WAIT_MS = 10_000;

    /** One queued write; {@code answer} completes once, after its batch committed (or when it failed). */
    private static final class Write<T> {
        final HandleCallback<T, RuntimeException> work;
        final long deadline;
        /** Its place among the writes started ({@link FailFastDataSource#writeStarts}): what its outcome may move. */
        final long ticket;

        final CompletableFuture<T> answer = new CompletableFuture<>();
        T outcome;

        Write(HandleCallback<T, RuntimeException> work, long deadline, long ticket) {
            this.work = work;
            this.deadline = deadline;
            this.ticket = ticket;
        }

        void run(Handle h) {
            try {
                outcome = work.withHandle(h);
            } catch (SqlRunner.Undo undone) {
                outcome = undone.answer();
                throw undone;
            }
        }

        void succeed() {
            answer.complete(outcome);
        }

        void fail(Throwable t) {
            answer.completeExceptionally(t);
        }

        boolean answered() {
            return answer.isDone();
        }
    }

    private static final Write<Void> STOP = new Write<>(h -> null, 0, SqlRunner.NOT_A_WRITE);

    private final Connection connection;
    private final Handle handle;
    private final FailFastDataSource health;
    private final WalUpkeep upkeep;
    private final int maxBatch;
    private final LinkedBlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Control begin = new Control("BEGIN IMMEDIATE");
    private final Control savepoint = new Control("SAVEPOINT w");
    private final Control release = new Control("RELEASE w");
    private final Control rollbackToSavepoint = new Control("ROLLBACK TO w");
    private final Control commit = new Control("COMMIT");
    private final Control rollback = new Control("ROLLBACK");
    private final LongAdder commits = new LongAdder();
    private final LongAdder written = new LongAdder();
    private boolean closed; // guarded by queue
    /** The newest ticket of the batch being written: what its outcome may move in the writes' health. */
    private long batchTicket; // the writer thread's only

    /**
     * @param connection the writer's own connection ({@link SqliteDataSource.Role#WRITER}), in auto-commit: the
     *     writer begins and ends transactions itself
     * @param health told when the storage refuses a write and when writes commit again; null outside the server
     * @param maxBatch the most writes one commit takes (1: one commit per write)
     */
    SqliteWriter(Connection connection, FailFastDataSource health, WalUpkeep upkeep, int maxBatch) throws SQLException {
        this.connection = connection;
        this.health = health;
        this.upkeep = upkeep;
        this.maxBatch = maxBatch;
        this.handle = SqlRunner.configured(Jdbi.create(connection)).open();
        this.thread = DaemonThreads.named("exprun-sqlite-writer").newThread(this::loop);
        thread.start();
    }

    /** Queues {@code work}, waits until its batch committed, and answers what it returned or threw. */
    <T> T submit(HandleCallback<T, RuntimeException> work, long deadline) {
        if (Thread.currentThread() == thread) { // it would wait for itself
            throw new IllegalStateException("a write submitted from inside a write: use the handle it was given");
        }
        Write<T> w = new Write<>(work, deadline, health != null ? health.writeStarts() : SqlRunner.NOT_A_WRITE);
        synchronized (queue) { // a write is queued before STOP or refused: never left behind a stopped writer
            if (closed) {
                throw StoreException.unavailable(new SQLException("the database is closing", "08003"));
            }
            queue.add(w);
        }
        try {
            return w.answer.join(); // not interruptible: the write may commit, and its caller must know
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * A transaction-control statement, prepared once, and again after it failed: sqlite-jdbc finalizes a statement
     * whose step failed for most reasons (a COMMIT on a full disk, a ROLLBACK TO a savepoint SQLite already dropped),
     * and a finalized one only answers "statement is not executing" from then on.
     */
    private final class Control {
        private final String sql;
        private PreparedStatement statement;

        Control(String sql) {
            this.sql = sql;
        }

        void execute() throws SQLException {
            if (statement == null) {
                statement = connection.prepareStatement(sql);
            }
            try {
                statement.execute();
            } catch (SQLException e) {
                try {
                    statement.close();
                } catch (SQLException alreadyFinalized) {
                    e.addSuppressed(alreadyFinalized);
                }
                statement = null;
                throw e;
            }
        }
    }

    /** Batches committed so far. */
    long commits() {
        return commits.sum();
    }

    /** Writes committed so far (a batch's count each). */
    long written() {
        return written.sum();
    }

    /** Writes waiting for the writer (for metrics and for tests that line writers up). */
    int queued() {
        return queue.size();
    }

    private void loop() {
        List<Write<?>> batch = new ArrayList<>(maxBatch);
        boolean stopping = false;
        while (!stopping) {
            Write<?> first;
            try {
                first = queue.poll(IDLE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, by STOP, after the writes queued before it
            }
            if (first == null) {
                upkeep.whenIdle(connection);
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            stopping = batch.remove(STOP);
            if (!batch.isEmpty()) {
                try {
                    commitBatch(batch);
                } catch (RuntimeException | Error bug) { // never leave a caller waiting, never stop writing
                    log.error("the writer failed a batch of {} write(s)", batch.size(), bug);
                    batch.stream().filter(w -> !w.answered()).forEach(w -> w.fail(bug));
                    rollbackQuietly();
                }
                upkeep.afterBatch(connection);
            }
        }
    }

    /**
     * Runs the batch in one transaction and answers it once that committed: a write's failure too, since what it met
     * may be a neighbour's row that only the commit makes real (two claims of one idempotency key in one batch).
     */
    private void commitBatch(List<Write<?>> batch) {
        batchTicket = batch.stream().mapToLong(w -> w.ticket).max().orElse(SqlRunner.NOT_A_WRITE);
        long changedBefore = SqlRunner.changedSoFar();
        List<Write<?>> todo = new ArrayList<>(batch.size());
        for (Write<?> w : batch) {
            if (System.nanoTime() - w.deadline > 0) {
                w.fail(StoreException.unavailable(new SQLException(
                        "the database call passed its deadline (EXPRUN_STATEMENT_TIMEOUT_MS) waiting for the writer",
                        "57014")));
            } else {
                todo.add(w);
            }
        }
        while (!todo.isEmpty()) {
            StoreException began = execute(begin, earliest(todo));
            if (began != null) {
                rollbackQuietly();
                todo.forEach(w -> w.fail(began));
                return;
            }
            Map<Write<?>, Throwable> failed = new IdentityHashMap<>();
            Write<?> lost = null;
            for (Write<?> w : todo) {
                Failure f = runOne(w);
                if (f == null) {
                    continue;
                }
                if (f.endsBatch) {
                    rollbackQuietly();
                    todo.forEach(o -> o.fail(f.error));
                    return;
                }
                if (f.transactionLost) {
                    // SQLite rolled everything back with it: it fails, the others run again without it
                    w.fail(f.error);
                    lost = w;
                    break;
                }
                failed.put(w, f.error);
            }
            if (lost != null) {
                todo.remove(lost);
                continue;
            }
            StoreException committed = execute(commit, null);
            if (committed != null) {
                rollbackQuietly();
                todo.forEach(w -> w.fail(committed));
                return;
            }
            commits.increment();
            written.add(todo.size() - failed.size());
            if (health != null && failed.size() < todo.size() && SqlRunner.changedSoFar() > changedBefore) {
                health.wrote(batchTicket);
            }
            for (Write<?> w : todo) {
                Throwable error = failed.get(w);
                if (error == null) {
                    w.succeed();
                } else {
                    w.fail(error);
                }
            }
            return;
        }
    }

    /** Why a write failed: {@code endsBatch} when the storage refused (every write would), see the class comment. */
    private record Failure(Throwable error, boolean endsBatch, boolean transactionLost) {}

    /** Runs one write in a savepoint of the open transaction; null when it succeeded (or undid itself). */
    private Failure runOne(Write<?> w) {
        Long outer = StatementDeadline.enterUntil(w.deadline);
        try {
            execute(savepoint);
            try {
                w.run(handle);
            } catch (SqlRunner.Undo undone) {
                execute(rollbackToSavepoint);
            }
            execute(release);
            return null;
        } catch (JdbiException | SQLException | StoreException e) {
            StoreException failure = e instanceof StoreException judged
                    ? judged
                    : judge(e instanceof JdbiException j ? SqlRunner.sqlCause(j) : (SQLException) e);
            boolean storageRefused = failure.getCause() instanceof SQLiteException cause
                    && failure.unavailable()
                    && resultCode(cause) != SQLiteErrorCode.SQLITE_INTERRUPT.code; // that is the write's deadline
            return new Failure(failure, storageRefused, !leaveSavepoint());
        } catch (RuntimeException | Error e) { // the write's own answer (a domain refusal) or a bug: its alone
            return new Failure(e, false, !leaveSavepoint());
        } finally {
            StatementDeadline.leave(outer);
        }
    }

    /** Undoes the failed write's savepoint; false when SQLite had rolled the whole transaction back already. */
    private boolean leaveSavepoint() {
        try {
            execute(rollbackToSavepoint);
            execute(release);
            return true;
        } catch (SQLException noSuchSavepoint) {
            return false;
        }
    }

    private StoreException judge(SQLException cause) {
        StoreException failure = new StoreException(cause);
        if (health != null && failure.cannotWrite()) {
            health.writeFailed(batchTicket, cause);
        }
        return failure;
    }

    /** Runs a transaction statement until {@code deadline} (null: none); the failure, judged, or null. */
    private StoreException execute(Control statement, Long deadline) {
        Long outer = deadline == null ? null : StatementDeadline.enterUntil(deadline);
        try {
            execute(statement);
            return null;
        } catch (SQLException e) {
            return judge(e);
        } finally {
            if (deadline != null) {
                StatementDeadline.leave(outer);
            }
        }
    }

    private static void execute(Control statement) throws SQLException {
        statement.execute();
    }

    private static long earliest(List<Write<?>> writes) {
        long first = writes.get(0).deadline;
        for (Write<?> w : writes) {
            first = w.deadline - first < 0 ? w.deadline : first;
        }
        return first;
    }

    private void rollbackQuietly() {
        try {
            execute(rollback);
        } catch (SQLException alreadyRolledBack) {
            // SQLite ends the transaction itself after the failures that bring us here
        }
    }

    private static int resultCode(SQLException e) {
        return e instanceof SQLiteException lite ? lite.getResultCode().code & 0xff : -1;
    }

    /** Writes what was queued before, refuses what comes after, and lets the connection go (WAL truncated). */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) { // its connection is still in use: the process is ending anyway
            log.warn("the writer did not finish its queue within {} ms; leaving its connection open", CLOSE_WAIT_MS);
            return;
        }
        upkeep.close(connection);
        try {
            handle.close();
            connection.close();
        } catch (RuntimeException | SQLException e) {
            log.debug("closing the writer's connection: {}", e.toString());
        }
    }
}
