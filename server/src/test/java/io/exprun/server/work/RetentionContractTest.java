package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.RetentionPolicy;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunService;
import io.exprun.server.domain.port.RetentionStore.Batch;
import io.exprun.server.store.JdbiRetention;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Retention on a real database: what the sweeper deletes (terminal runs past the retention, with their results;
 * idempotency keys past their 24 hours) and what it must never delete (younger runs, active runs whatever their
 * times say, runs a live idempotency key still names, younger keys). Rows are made old by writing old times into
 * them, not by waiting; sweeps are driven with {@code sweepOnce()}. Runs once per database (see the subclasses).
 * A little over 250 lines because the JDBC helpers that age and count rows are shared here by both subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RetentionContractTest {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final Duration RETENTION = Duration.ofDays(30);
    /** Tests sweep by hand; the background sweep never runs during a test. */
    static final RetentionPolicy POLICY = RetentionPolicy.DEFAULTS
            .withRuns(RETENTION)
            .withSweepInterval(Duration.ofHours(1))
            .withBatchPause(Duration.ZERO)
            .withDatabaseShare(1);

    TestServer server;
    RunFixtures fx;
    Http api;
    DataSource db;

    abstract ServerConfig freshConfig();

    @BeforeAll
    void start() {
        server = TestServer.start(freshConfig().withRetention(POLICY));
        fx = server.fixtures();
        api = new Http(server.baseUri(), KEY_A);
        db = server.server().database().dataSource();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Whatever an earlier test left expired is gone, so each test's counts are its own. */
    @BeforeEach
    void sweepLeftovers() throws InterruptedException {
        server.server().retention().sweepOnce();
    }

    @Test
    void terminal_runs_older_than_the_retention_are_deleted_with_all_their_results_and_younger_ones_stay()
            throws Exception {
        List<Run> old = new ArrayList<>();
        List<Run> young = new ArrayList<>();
        for (LifecycleStatus s : List.of(LifecycleStatus.COMPLETED, LifecycleStatus.ERROR, LifecycleStatus.CANCELLED)) {
            old.add(completedAgo(fx.runIn(TENANT_A, s), RETENTION.plusMinutes(1)));
            young.add(completedAgo(fx.runIn(TENANT_A, s), RETENTION.minusMinutes(1)));
        }

        RetentionSweeper.Sweep sweep = server.server().retention().sweepOnce();

        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(3, 15, 0, false));
        for (Run r : old) {
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", r.id()))
                    .as("run %s", r.lifecycle())
                    .isZero();
            assertThat(rows("SELECT count(*) FROM results WHERE run_id = ?", r.id()))
                    .isZero();
            assertThat(api.get(RUNS + "/" + r.id()).status()).isEqualTo(404);
        }
        for (Run r : young) {
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", r.id()))
                    .as("run %s", r.lifecycle())
                    .isOne();
            assertThat(rows("SELECT count(*) FROM results WHERE run_id = ?", r.id()))
                    .isEqualTo(5);
        }
    }

    @Test
    void active_runs_stay_however_old_their_times_look_while_an_old_terminal_run_goes_in_the_same_sweep()
            throws Exception {
        Duration ancient = Duration.ofDays(3650);
        List<Run> active = new ArrayList<>();
        for (LifecycleStatus s : List.of(LifecycleStatus.PENDING, LifecycleStatus.QUEUED, LifecycleStatus.RUNNING)) {
            Run run = fx.runIn(TENANT_A, s);
            // negative control: an active run never has a completed_at; give it one, ten years old, and every other
            // time too, so only its status can save it
            long t = Instant.now().minus(ancient).toEpochMilli();
            update("UPDATE runs SET created_at = ?, started_at = ?, completed_at = ? WHERE id = ?", t, t, t, run.id());
            active.add(run);
        }
        Run expired = completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), ancient);

        RetentionSweeper.Sweep sweep = server.server().retention().sweepOnce();

        assertThat(sweep.deleted().runs()).isOne();
        assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", expired.id())).isZero();
        for (Run r : active) {
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", r.id()))
                    .as("run %s", r.lifecycle().status())
                    .isOne();
            assertThat(rows("SELECT count(*) FROM results WHERE run_id = ?", r.id()))
                    .isEqualTo(5);
            assertThat(api.get(RUNS + "/" + r.id()).lifecycleStatus())
                    .isEqualTo(r.lifecycle().status().wire());
        }
    }

    @Test
    void a_backlog_larger_than_a_batch_is_deleted_in_several_bounded_batches() throws Exception {
        List<Run> backlog = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            backlog.add(completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(i + 1)));
        }
        List<Batch> batches = new ArrayList<>();
        RetentionSweeper smallBatches = sweeper(POLICY.withBatchSize(4), (b, took) -> batches.add(b));

        RetentionSweeper.Sweep sweep = smallBatches.sweepOnce();

        assertThat(batches).extracting(Batch::runs).containsExactly(4, 4, 2);
        assertThat(batches).extracting(Batch::results).containsExactly(20, 20, 10);
        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(10, 50, 0, false));
        for (Run r : backlog) {
            assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", r.id())).isZero();
        }
    }

    @Test
    void with_run_retention_off_runs_stay_but_idempotency_keys_past_24_hours_go_and_younger_ones_still_replay()
            throws Exception {
        Run oldRun = completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), Duration.ofDays(3650));
        String expiredKey = "expired-" + System.nanoTime();
        String liveKey = "live-" + System.nanoTime();
        createWithKey(expiredKey);
        Http.Answer first = createWithKey(liveKey);
        claimedAgo(expiredKey, RunService.IDEMPOTENCY_RETENTION.plusMinutes(1));
        claimedAgo(liveKey, RunService.IDEMPOTENCY_RETENTION.minusHours(1));
        List<Batch> batches = new ArrayList<>();

        RetentionSweeper.Sweep sweep =
                sweeper(POLICY.withRuns(null), (b, took) -> batches.add(b)).sweepOnce();

        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(0, 0, 1, false));
        assertThat(rows("SELECT count(*) FROM idempotency_keys WHERE idem_key = ?", expiredKey))
                .isZero();
        assertThat(rows("SELECT count(*) FROM idempotency_keys WHERE idem_key = ?", liveKey))
                .isOne();
        assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", oldRun.id()))
                .as("runs are kept forever")
                .isOne();
        Http.Answer replay = createWithKey(liveKey);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
    }

    @Test
    void a_run_a_live_idempotency_key_names_is_kept_past_the_retention_until_the_key_expires() throws Exception {
        String key = "keeps-its-run-" + System.nanoTime();
        Http.Answer first = createWithKey(key);
        String runId = first.json().get("id").asText();
        assertThat(api.post(RUNS + "/" + runId + "/cancel").status()).isEqualTo(200);
        // only completed_at: created_at is part of the answer the replay repeats
        update("UPDATE runs SET completed_at = ? WHERE id = ?", ago(RETENTION.plusDays(1)), runId);

        server.server().retention().sweepOnce();

        assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", runId))
                .as("named by a live key")
                .isOne();
        assertThat(createWithKey(key).body()).isEqualTo(first.body());

        claimedAgo(key, RunService.IDEMPOTENCY_RETENTION.plusHours(1));
        RetentionSweeper.Sweep sweep = server.server().retention().sweepOnce();

        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(1, 5, 1, false));
        assertThat(rows("SELECT count(*) FROM runs WHERE id = ?", runId)).isZero();
    }

    @Test
    void the_metrics_count_what_the_server_sweeper_deleted() throws Exception {
        completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(2));
        completedAgo(fx.runIn(TENANT_A, LifecycleStatus.ERROR), RETENTION.plusDays(3));
        String key = "counted-" + System.nanoTime();
        createWithKey(key);
        claimedAgo(key, Duration.ofDays(2));
        double runsBefore = metric("exprun_retention_runs_deleted_total");
        double resultsBefore = metric("exprun_retention_results_deleted_total");
        double keysBefore = metric("exprun_retention_idempotency_keys_deleted_total");
        double batchesBefore = metric("exprun_retention_batch_seconds_count");

        RetentionSweeper.Sweep sweep = server.server().retention().sweepOnce();

        assertThat(sweep.deleted().counts()).isEqualTo(new Batch(2, 10, 1, false));
        assertThat(metric("exprun_retention_runs_deleted_total") - runsBefore).isEqualTo(2.0);
        assertThat(metric("exprun_retention_results_deleted_total") - resultsBefore)
                .isEqualTo(10.0);
        assertThat(metric("exprun_retention_idempotency_keys_deleted_total") - keysBefore)
                .isEqualTo(1.0);
        assertThat(metric("exprun_retention_batch_seconds_count") - batchesBefore)
                .as("one timed transaction for the keys, one for the runs")
                .isEqualTo(2.0);
        assertThat(metric("exprun_retention_batch_seconds_max")).isPositive();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Another sweeper over this server's database (as another instance would have), with its own settings. */
    RetentionSweeper sweeper(RetentionPolicy policy, RetentionSweeper.BatchListener batches) {
        return new RetentionSweeper(
                new JdbiRetention(server.server().database().sql()), policy, Clock.systemUTC(), batches);
    }

    Http.Answer createWithKey(String key) {
        Http.Answer a = api.send(api.builder(RUNS)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\":\"exp_demo\"}")));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a;
    }

    /** The run, as if it had completed {@code age} ago (and had been created a minute before that). */
    Run completedAgo(Run run, Duration age) throws SQLException {
        assertThat(run.lifecycle().status().isTerminal()).isTrue();
        update(
                "UPDATE runs SET created_at = ?, started_at = ?, completed_at = ? WHERE id = ?",
                ago(age.plusMinutes(1)),
                ago(age.plusMinutes(1)),
                ago(age),
                run.id());
        return run;
    }

    void claimedAgo(String key, Duration age) throws SQLException {
        assertThat(update("UPDATE idempotency_keys SET created_at = ? WHERE idem_key = ?", ago(age), key))
                .isOne();
    }

    static long ago(Duration age) {
        return Instant.now().minus(age).toEpochMilli();
    }

    /** A write of the test's own, through the server's writer (on SQLite the pool only reads). */
    int update(String sql, Object... args) {
        return server.server().database().sql().write(h -> {
            try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
                bind(ps, args);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** What a {@code SELECT count(*)} counts. */
    long rows(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Long l) {
                ps.setLong(i + 1, l);
            } else {
                ps.setString(i + 1, (String) args[i]);
            }
        }
    }

    double metric(String name) {
        Http.Answer scrape = api.as(null).get("/metrics");
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(scrape.body());
        assertThat(m.find()).as("%s in /metrics", name).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
