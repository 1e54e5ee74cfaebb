package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.testing.Http;
import io.exprun.server.testing.ProcessDatabase;
import io.exprun.server.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every create and cancel answered 2xx is durable: the server is killed with {@code kill -9} while creates and
 * cancels are still arriving from several clients and its workers move runs on, three times in a row on the same
 * data, and after each restart every run acknowledged so far is there and every acknowledged cancel reads cancelled.
 * Requests in flight at a kill have no answer and promise nothing.
 */
class AcknowledgedWritesSurviveKillTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final int CLIENTS = 6;
    private static final int ACKNOWLEDGED_PER_ROUND = 300;
    private static final int KILLS = 3;

    @TempDir
    Path work;

    private Map<String, String> env(String kind) {
        Map<String, String> env = ProcessDatabase.env(kind, work);
        env.put("EXPRUN_WORKERS", "2"); // worker transitions are writes too: mixed in with the API's
        env.put("EXPRUN_SIM_DOC_MS", "5");
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void every_acknowledged_create_and_cancel_survives_kill_minus_9_under_load_three_times(String kind)
            throws Exception {
        Map<String, String> env = env(kind);
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> cancelled = ConcurrentHashMap.newKeySet();
        for (int kill = 1; kill <= KILLS; kill++) {
            ServerProcess server = ServerProcess.start(env, work);
            try {
                assertAcknowledgedWritesAreThere(new Http(server.baseUri(), KEY_A), created, cancelled);
                loadUntilKilled(server, created, cancelled);
            } finally {
                server.kill();
            }
            assertThat(cancelled)
                    .as("the load cancelled runs before kill %d", kill)
                    .isNotEmpty();
        }
        try (ServerProcess last = ServerProcess.start(env, work)) {
            assertAcknowledgedWritesAreThere(new Http(last.baseUri(), KEY_A), created, cancelled);
        }
    }

    /** Creates and cancels from several clients until {@link #ACKNOWLEDGED_PER_ROUND} more were answered, then kills. */
    private static void loadUntilKilled(ServerProcess server, Set<String> created, Set<String> cancelled)
            throws Exception {
        int before = created.size() + cancelled.size();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            Http api = new Http(server.baseUri(), KEY_A);
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                load.add(clients.submit(() -> {
                    while (!killed.get()) {
                        try {
                            Http.Answer run = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}");
                            if (run.status() != 201 && run.status() != 200) {
                                continue;
                            }
                            String id = run.json().get("id").asText();
                            created.add(id);
                            if (id.hashCode() % 2 == 0
                                    && api.post(RUNS + "/" + id + "/cancel").status() == 200) {
                                cancelled.add(id);
                            }
                        } catch (RuntimeException afterTheKill) {
                            // the connection died with the server: that request was never acknowledged
                        }
                    }
                }));
            }
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> created.size() + cancelled.size() - before >= ACKNOWLEDGED_PER_ROUND);
            server.kill(); // while the clients are still sending
            killed.set(true);
            for (Future<?> f : load) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            killed.set(true);
            clients.shutdownNow();
        }
    }

    private static void assertAcknowledgedWritesAreThere(Http api, Set<String> created, Set<String> cancelled) {
        for (String id : created) {
            Http.Answer run = api.get(RUNS + "/" + id);
            assertThat(run.status()).as("acknowledged create %s", id).isEqualTo(200);
            if (cancelled.contains(id)) {
                assertThat(run.lifecycleStatus())
                        .as("acknowledged cancel of %s", id)
                        .isEqualTo("cancelled");
            }
        }
    }
}
