package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.port.RetentionStore.Batch;
import io.exprun.server.store.JdbiRetention;
import io.exprun.server.testing.Postgres;
import io.exprun.server.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract on PostgreSQL, plus what only a shared database has: several instances sweeping it, one at a time.
 */
class RetentionOnPostgresTest extends RetentionContractTest {

    private Postgres.Db pg;

    @Override
    ServerConfig freshConfig() {
        pg = Postgres.freshDatabase();
        return TestServer.embeddedConfig(0).withDb(pg.url(), pg.user(), pg.password());
    }

    /** The negative control of {@link RetentionOnSqliteTest}'s pace: beside the writes, the sweeper does pause. */
    @Test
    void beside_the_service_s_writes_the_sweeper_pauses_between_the_batches_of_a_backlog() throws Exception {
        for (int i = 0; i < 10; i++) {
            completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(i + 1));
        }
        List<Batch> batches = java.util.Collections.synchronizedList(new ArrayList<>());
        RetentionSweeper hourly = sweeper(
                POLICY.withBatchSize(4).withBatchPause(Duration.ofHours(1)).withDatabaseShare(0.5),
                (b, took) -> batches.add(b));
        assertThat(new JdbiRetention(server.server().database().sql()).batchesQueueWithWrites())
                .isFalse();
        Thread sweeping = new Thread(() -> {
            try {
                hourly.sweepOnce();
            } catch (InterruptedException stopped) {
                // the pause was interrupted: what it deleted stays deleted
            }
        });
        sweeping.start();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> batches.size() == 1 && sweeping.getState() == Thread.State.TIMED_WAITING);
        assertThat(batches).extracting(Batch::runs).containsExactly(4);
        sweeping.interrupt();
        sweeping.join(30_000);
        assertThat(sweeping.isAlive()).isFalse();
    }

    @Test
    void a_sweep_deletes_nothing_while_another_instance_holds_the_sweep_lock_and_everything_after() throws Exception {
        Run expired = completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(1));
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            assertThat(tryLock(other)).as("the other instance takes the lock").isTrue();

            RetentionSweeper.Sweep skipped = server.server().retention().sweepOnce();

            assertThat(skipped.skipped()).isTrue();
            assertThat(skipped.deleted().runs()).isZero();
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", expired.id()))
                    .isOne();
            other.commit(); // releases a transaction-scoped advisory lock
        }

        RetentionSweeper.Sweep sweep = server.server().retention().sweepOnce();

        assertThat(sweep.skipped()).isFalse();
        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(1, 5, 0, false));
    }

    @Test
    void a_second_instance_skips_while_the_first_is_inside_a_batch() throws Exception {
        Run expired = completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (TestServer second = TestServer.start(freshConfigOnSameDatabase());
                Connection blocker = db.getConnection()) {
            // hold one of the expired run's results, so the first sweeper's batch waits inside its transaction,
            // the sweep lock held
            blocker.setAutoCommit(false);
            try (PreparedStatement ps =
                    blocker.prepareStatement("SELECT id FROM results WHERE run_id = ? LIMIT 1 FOR UPDATE")) {
                ps.setString(1, expired.id());
                ps.executeQuery().close();
            }
            CountDownLatch started = new CountDownLatch(1);
            Future<RetentionSweeper.Sweep> first = pool.submit(() -> {
                started.countDown();
                return server.server().retention().sweepOnce();
            });
            started.await();
            await().atMost(Duration.ofSeconds(30)).until(this::sweepLockHeldAndWaiting, held -> held);

            RetentionSweeper.Sweep secondSweep = second.server().retention().sweepOnce();

            assertThat(secondSweep.skipped()).isTrue();
            assertThat(secondSweep.deleted()).isEqualTo(Batch.SKIPPED);
            blocker.rollback();
            RetentionSweeper.Sweep firstSweep = first.get(30, TimeUnit.SECONDS);
            assertThat(firstSweep.skipped()).isFalse();
            assertThat(firstSweep.deleted().counts()).isEqualTo(new Batch(1, 5, 0, false));
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", expired.id())).isZero();
    }

    @Test
    void two_instances_sweeping_at_once_delete_every_row_exactly_once_and_never_fail() throws Exception {
        List<Run> expired = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expired.add(completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(i + 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TestServer second = TestServer.start(freshConfigOnSameDatabase())) {
            List<RetentionSweeper> sweepers = List.of(
                    sweeper(POLICY.withBatchSize(2), (b, took) -> {}),
                    new RetentionSweeper(
                            new JdbiRetention(second.server().database().sql()),
                            POLICY.withBatchSize(2),
                            java.time.Clock.systemUTC(),
                            (b, took) -> {}));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Batch>> deleted = new ArrayList<>();
            for (RetentionSweeper s : sweepers) {
                deleted.add(pool.submit(() -> {
                    go.await();
                    Batch total = new Batch(0, 0, 0, false);
                    // sweep until a sweep that was not skipped finds nothing left
                    while (true) {
                        RetentionSweeper.Sweep sweep = s.sweepOnce();
                        total = total.plus(new Batch(
                                sweep.deleted().runs(),
                                sweep.deleted().results(),
                                sweep.deleted().idempotencyKeys(),
                                false));
                        if (!sweep.skipped() && sweep.deleted().runs() == 0) {
                            return total;
                        }
                    }
                }));
            }
            go.countDown();
            Batch a = deleted.get(0).get(60, TimeUnit.SECONDS);
            Batch b = deleted.get(1).get(60, TimeUnit.SECONDS);

            assertThat(a.runs() + b.runs()).isEqualTo(12);
            assertThat(a.results() + b.results()).isEqualTo(60);
        } finally {
            pool.shutdownNow();
        }
        for (Run r : expired) {
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", r.id())).isZero();
        }
    }

    private ServerConfig freshConfigOnSameDatabase() {
        return TestServer.embeddedConfig(0)
                .withDb(pg.url(), pg.user(), pg.password())
                .withRetention(POLICY);
    }

    private static boolean tryLock(Connection c) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, JdbiRetention.SWEEP_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The sweep lock is granted to a backend that is itself waiting for a lock (the blocked result row). */
    private boolean sweepLockHeldAndWaiting() {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_locks a JOIN pg_locks w ON w.pid = a.pid AND NOT w.granted "
                                + "WHERE a.locktype = 'advisory' AND a.granted AND a.classid = ? AND a.objid = ?")) {
            ps.setLong(1, JdbiRetention.SWEEP_LOCK >>> 32);
            ps.setLong(2, JdbiRetention.SWEEP_LOCK & 0xFFFFFFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
