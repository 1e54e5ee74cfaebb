package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exprun.server.testing.Http;
import io.exprun.server.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, item 6: when the disk under the embedded database fills up, every write it refuses is 503 with
 * {@code Retry-After} in the contract's shape (the contract's promise for "not now"), never 500; reads go on; every
 * create that was acknowledged is still there; {@code /readyz} says writes are failing from the first refused write
 * until a write succeeds again (never flapping between requests while nothing commits; a small write that fits where a
 * checkpoint made room does commit), and the log says so once each way per episode. SQLite rolls a transaction back by
 * itself on SQLITE_FULL and then reports the commit as "no transaction is active" (SQLITE_ERROR): that was read as a
 * broken statement, and 1,458 of 1,500 creates on a full 3 MB disk answered 500. A real small file system: a tmpfs in a
 * private mount namespace, with a filler file the test deletes (through {@code /proc/<pid>/root}, the server's view of
 * the mounts) to give the space back. Writers meet the full disk, and the space coming back, together (released by a
 * latch): each transition of readiness is still one, logged once (issue 31: two writers each logged it).
 */
class FullDiskTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String CREATE = "{\"experiment_id\":\"exp_demo\"}";

    @TempDir
    Path work;

    @Test
    void a_full_disk_refuses_writes_503_keeps_reads_and_acknowledged_runs_and_readiness_follows_it_once_each_way()
            throws Exception {
        assumeTrue(ServerProcess.canMountTmpfs(), "needs root and unshare(1) to mount a small tmpfs; skipped here");
        List<String> launcher = List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount -t tmpfs -o size=3m tmpfs \"$0\" && head -c 1048576 /dev/zero > \"$0/filler\" && cd \"$0\""
                        + " && exec \"$@\"",
                work.toString());
        try (ServerProcess server = ServerProcess.startUnder(launcher, Map.of("EXPRUN_WORKERS", "0"), work)) {
            Http api = new Http(server.baseUri(), KEY_A);
            assertThat(writes(api)).as("readiness before the disk fills").isEqualTo("ok");

            // writers meet the full disk together: the transition to failing is one state change, logged once
            Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            together(WRITERS, () -> {
                int refusedInARow = 0;
                for (int i = 0; i < 2000 && refusedInARow < 15; i++) {
                    Http.Answer a = api.postJson(RUNS, CREATE);
                    statuses.merge(a.status(), 1, Integer::sum);
                    if (a.status() == 200) {
                        acknowledged.add(a.json().get("id").asText());
                        refusedInARow = 0;
                    } else {
                        refusedInARow++;
                        assertThat(a.status())
                                .as("a write the full disk refused: %s", a.body())
                                .isEqualTo(503);
                        assertThat(a.headers().firstValue("Retry-After")).isPresent();
                        assertThat(a.errorCode()).isNotBlank();
                    }
                }
                assertThat(refusedInARow).as("the disk filled up").isEqualTo(15);
            });
            assertThat(statuses).as("creates by status").containsOnlyKeys(200, 503);

            // between refused writes: reads answer, and readiness says what happened
            Map<String, Integer> readinessWhileFull = new TreeMap<>();
            for (int i = 0; i < 10; i++) {
                assertThat(api.postJson(RUNS, CREATE).status()).isEqualTo(503);
                Http.Answer read = api.get(RUNS + "/" + acknowledged.get(acknowledged.size() - 1));
                assertThat(read.status())
                        .as("a get on the full disk: %s", read.body())
                        .isEqualTo(200);
                Http.Answer list = api.get(RUNS + "?limit=5");
                assertThat(list.status())
                        .as("a list on the full disk: %s", list.body())
                        .isEqualTo(200);
                readinessWhileFull.merge(writes(api), 1, Integer::sum);
            }
            assertThat(readinessWhileFull)
                    .as("readiness after each refused write: never back to ok while nothing was written")
                    .containsOnlyKeys("failing");

            Http.Answer cancel = api.post(RUNS + "/" + acknowledged.get(acknowledged.size() - 1) + "/cancel");
            assertThat(cancel.status())
                    .as("a cancel on the full disk: %s", cancel.body())
                    .isIn(200, 503);
            for (String id : acknowledged) {
                assertThat(api.get(RUNS + "/" + id).status())
                        .as("acknowledged run %s", id)
                        .isEqualTo(200);
            }

            Files.delete(Path.of("/proc/" + server.pid() + "/root")
                    .resolve(work.toString().substring(1))
                    .resolve("filler"));
            // writers find the space back together: the transition to ok is one state change, logged once
            List<String> afterSpace = new CopyOnWriteArrayList<>();
            together(WRITERS, () -> {
                for (int i = 0; i < 2; i++) {
                    Http.Answer a = api.postJson(RUNS, CREATE);
                    assertThat(a.status())
                            .as("a create once space is back: %s", a.body())
                            .isEqualTo(200);
                    afterSpace.add(a.json().get("id").asText());
                }
            });
            assertThat(writes(api)).as("readiness once a write succeeded").isEqualTo("ok");
            for (String id : afterSpace) {
                assertThat(api.get(RUNS + "/" + id).status()).isEqualTo(200);
            }

            // one episode, logged once each way however the writers interleaved and however often the state
            // flipped inside it (a checkpoint can make room for one small write): its end once writes stayed good
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.output().stream().anyMatch(line -> line.contains("writes succeed again")));
            List<String> output = server.output();
            assertThat(output).noneMatch(line -> line.contains(" ERROR "));
            assertThat(output.stream().filter(line -> line.contains("writes are failing")))
                    .as("one WARN when writes start failing")
                    .hasSize(1)
                    .allMatch(line -> line.contains(" WARN "));
            assertThat(output.stream().filter(line -> line.contains("writes succeed again")))
                    .as("one INFO when they succeed again")
                    .hasSize(1)
                    .allMatch(line -> line.contains(" INFO "));
        }
    }

    private static final int WRITERS = 4;

    /** {@code writers} threads released at once by a latch, each running {@code work}; their failures are rethrown. */
    private static void together(int writers, Runnable work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                running.add(pool.submit(() -> {
                    start.await();
                    work.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** What {@code /readyz} says of writes; readiness itself stays 200 while the database answers. */
    private static String writes(Http api) {
        Http.Answer ready = api.get("/readyz");
        assertThat(ready.status()).as("/readyz: %s", ready.body()).isEqualTo(200);
        return ready.json().path("writes").asText("(absent)");
    }
}
