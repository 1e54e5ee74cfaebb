package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.Postgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A group-committed batch of cancels on a real PostgreSQL, where cancels are batched by {@link GroupCommit} (on SQLite
 * the one writer groups every write): its runs are locked (updated) in run-id order whatever order the cancels
 * arrived in, so two instances batching the same runs take the locks in the same order and cannot deadlock; each
 * cancel still gets its own answer, in request order. The order is observed at the JDBC boundary.
 */
class CancelLockOrderTest {

    private final Postgres.Db pg = Postgres.freshDatabase();
    private final Database database =
            Database.open(pg.url(), pg.user(), pg.password(), 4, io.exprun.server.config.Limits.DEFAULTS, false);
    private final List<String> cancelUpdates = Collections.synchronizedList(new ArrayList<>());
    private final JdbiRunStore store = new JdbiRunStore(
            new SqlRunner(
                    recording(database.dataSource()),
                    database.dialect(),
                    io.exprun.server.config.Limits.DEFAULTS.statementTimeout()),
            StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES),
            true,
            java.time.Clock.systemUTC());
    private final JdbiRunStore runs = new JdbiRunStore(
            database.sql(),
            StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES),
            true,
            java.time.Clock.systemUTC());
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @AfterEach
    void close() {
        database.close();
    }

    /** Records the run id of every cancel UPDATE executed, in execution order. */
    private DataSource recording(DataSource real) {
        return proxy(DataSource.class, real, (target, method, args) -> {
            Object out = method.invoke(target, args);
            return out instanceof Connection c
                    ? proxy(Connection.class, c, (conn, m, a) -> {
                        Object result = m.invoke(conn, a);
                        if (result instanceof PreparedStatement ps
                                && ((String) a[0]).startsWith("UPDATE runs SET status = 'cancelled'")) {
                            String[] runId = new String[1];
                            return proxy(PreparedStatement.class, ps, (stmt, sm, sa) -> {
                                if (sm.getName().equals("setString")
                                        && (int) sa[0] == 4) { // reason, time, time, then … WHERE id = ? AND tenant = ?
                                    runId[0] = (String) sa[1];
                                }
                                if (sm.getName().startsWith("execute")) {
                                    cancelUpdates.add(runId[0]);
                                }
                                return sm.invoke(stmt, sa);
                            });
                        }
                        return result;
                    })
                    : out;
        });
    }

    private interface Handler<T> {
        Object invoke(T target, java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            try {
                return handler.invoke(target, method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Runs are created of an experiment of their tenant's (the store holds it while it inserts a run). */
    @org.junit.jupiter.api.BeforeEach
    void giveTheTenantTheCatalog() {
        new JdbiExperimentStore(
                        database.sql(), StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES))
                .seed(
                        "t",
                        io.exprun.server.config.CatalogLoader.load(null, JsonMapper.shared())
                                .all());
    }

    private String runningRun(String id) {
        runs.insertRun(
                new Run(
                        id,
                        "t",
                        "exp_demo",
                        "wf_demo",
                        "wfv_demo_1",
                        "blk_extract",
                        "extract",
                        3,
                        "api",
                        Lifecycle.of(LifecycleStatus.RUNNING),
                        now,
                        now,
                        null,
                        "bef",
                        "df",
                        0,
                        0,
                        0,
                        1),
                List.of());
        return id;
    }

    @Test
    void a_batch_updates_its_runs_in_run_id_order_and_answers_each_cancel_in_request_order() {
        String c = runningRun("exprun_c"), a = runningRun("exprun_a"), b = runningRun("exprun_b");
        List<JdbiRunStore.CancelRequest> arrival = List.of(
                new JdbiRunStore.CancelRequest("t", c, "r"),
                new JdbiRunStore.CancelRequest("t", "exprun_missing", "r"),
                new JdbiRunStore.CancelRequest("t", a, "r"),
                new JdbiRunStore.CancelRequest("t", b, "r"));

        List<Optional<Run>> answers = store.cancelBatch(arrival);

        assertThat(cancelUpdates).containsExactly(a, b, c, "exprun_missing");
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0)).map(Run::id).contains(c);
        assertThat(answers.get(1)).isEmpty();
        assertThat(answers.get(2)).map(Run::id).contains(a);
        assertThat(answers.get(3)).map(Run::id).contains(b);
        assertThat(answers.get(3).orElseThrow().status()).isEqualTo(LifecycleStatus.CANCELLED);
    }

    @Test
    void two_cancels_of_one_run_in_one_batch_have_exactly_one_winner() {
        String a = runningRun("exprun_a");
        List<Optional<Run>> answers = store.cancelBatch(List.of(
                new JdbiRunStore.CancelRequest("t", a, "first"), new JdbiRunStore.CancelRequest("t", a, "second")));

        assertThat(answers).filteredOn(Optional::isPresent).hasSize(1);
    }
}
