package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.ProcessDatabase;
import io.exprun.server.testing.ServerProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * exprun as separate processes: a 200 from cancel is committed (kill -9 right after it loses nothing), runs survive
 * kill -9, and two instances sharing one PostgreSQL cancel and execute each run exactly once, taking over the runs
 * of an instance that dies.
 */
class MultiInstanceAndDurabilityTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final Set<String> TERMINAL = Set.of("completed", "error", "cancelled");

    @TempDir
    Path work;

    private Map<String, String> database(String kind) {
        return ProcessDatabase.env(kind, work);
    }

    private static Map<String, String> with(Map<String, String> env, String... pairs) {
        Map<String, String> out = new HashMap<>(env);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void an_acknowledged_cancel_survives_kill_minus_9_and_interrupted_runs_finish_after_restart(String kind) {
        Map<String, String> env =
                with(database(kind), "EXPRUN_WORKERS", "2", "EXPRUN_SIM_DOC_MS", "400", "EXPRUN_LEASE_MS", "1500");
        String cancelled;
        List<String> others = new ArrayList<>();
        ServerProcess first = ServerProcess.start(env, work);
        try {
            Http api = new Http(first.baseUri(), KEY_A);
            cancelled = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            for (int i = 0; i < 2; i++) {
                others.add(api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get(RUNS + "/" + others.get(0)).lifecycleStatus(), "running"::equals);

            assertThat(api.post(RUNS + "/" + cancelled + "/cancel").status()).isEqualTo(200);
        } finally {
            first.kill(); // right after the answer: no graceful shutdown, no flush beyond what the commit did
        }

        try (ServerProcess second = ServerProcess.start(env, work)) {
            Http api = new Http(second.baseUri(), KEY_A);
            assertThat(api.get(RUNS + "/" + cancelled).lifecycleStatus()).isEqualTo("cancelled");
            for (String id : others) {
                String status = await().atMost(Duration.ofSeconds(40))
                        .until(() -> api.get(RUNS + "/" + id).lifecycleStatus(), TERMINAL::contains);
                assertThat(status).isEqualTo("completed");
            }
        }
    }

    @Test
    void two_instances_on_one_postgres_share_the_work_and_agree_on_every_cancel() throws Exception {
        Map<String, String> env =
                with(database("postgres"), "EXPRUN_WORKERS", "2", "EXPRUN_SIM_DOC_MS", "60", "EXPRUN_LEASE_MS", "1500");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (ServerProcess a = ServerProcess.start(env, work);
                ServerProcess b = ServerProcess.start(env, work)) {
            Http viaA = new Http(a.baseUri(), KEY_A);
            Http viaB = new Http(b.baseUri(), KEY_A);

            // 64 concurrent cancels of one running run, half through each instance: exactly one wins
            String contested = viaA.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                    .json()
                    .get("id")
                    .asText();
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> viaB.get(RUNS + "/" + contested).lifecycleStatus(),
                            s -> !s.equals("pending") && !s.equals("queued"));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Http via = i % 2 == 0 ? viaA : viaB;
                answers.add(pool.submit(() -> {
                    go.await();
                    return via.post(RUNS + "/" + contested + "/cancel");
                }));
            }
            go.countDown();
            List<Http.Answer> refused = new ArrayList<>();
            int ok = 0;
            for (Future<Http.Answer> f : answers) {
                Http.Answer answer = f.get();
                if (answer.status() == 200) {
                    ok++;
                } else {
                    refused.add(answer);
                }
            }
            String contestedStatus = viaA.get(RUNS + "/" + contested).lifecycleStatus();
            if (contestedStatus.equals("cancelled")) {
                assertThat(ok).isEqualTo(1);
            } else {
                assertThat(ok).as("the run completed before any cancel landed").isZero();
            }
            // every other answer is the contract's 404 saying why: the run is already in its final state
            assertThat(refused).hasSize(64 - ok).allSatisfy(answer -> {
                assertThat(answer.status()).isEqualTo(404);
                assertThat(answer.errorCode()).isEqualTo("run_not_cancellable");
                assertThat(answer.json().at("/detail/details/status").asText()).isEqualTo(contestedStatus);
            });

            // 20 runs, created through both: every result executed exactly once, by whichever worker
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add((i % 2 == 0 ? viaA : viaB)
                        .postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText());
            }
            for (String id : runs) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> viaB.get(RUNS + "/" + id).lifecycleStatus(), TERMINAL::contains);
                JsonNode run = viaA.get(RUNS + "/" + id).json();
                assertThat(run.at("/lifecycle/status").asText()).isEqualTo("completed");
                assertThat(run.get("completed_document_count").asInt()).isEqualTo(5);
            }
            try (Connection c = DriverManager.getConnection(
                            env.get("EXPRUN_DB_URL"), env.get("EXPRUN_DB_USER"), env.get("EXPRUN_DB_PASSWORD"));
                    Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), SUM(CASE WHEN r.attempt = 0 AND r.status = 'completed' "
                                + "THEN 1 ELSE 0 END) FROM results r JOIN runs u ON u.id = r.run_id WHERE u.status = 'completed'");
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isGreaterThanOrEqualTo(100);
            }

            // kill -9 one instance mid-run: the other takes its runs over once their leases lapse
            List<String> orphans = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                orphans.add(viaA.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}")
                        .json()
                        .get("id")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> viaA.get(RUNS + "/" + orphans.get(0)).lifecycleStatus(), "running"::equals);
            a.kill();
            for (String id : orphans) {
                String status = await().atMost(Duration.ofSeconds(60))
                        .until(() -> viaB.get(RUNS + "/" + id).lifecycleStatus(), TERMINAL::contains);
                assertThat(status).isEqualTo("completed");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
