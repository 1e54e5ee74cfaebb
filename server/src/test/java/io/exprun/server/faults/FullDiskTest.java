package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exprun.server.testing.Http;
import io.exprun.server.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, item 6: when the disk under the embedded database fills up, every write it refuses is 503 with
 * {@code Retry-After} in the contract's shape (the contract's promise for "not now"), never 500; reads go on; every
 * create that was acknowledged is still there; {@code /readyz} says writes are failing from the first refused write
 * until a write succeeds again, without flapping, and the log says so once each way. SQLite rolls a transaction back by
 * itself on SQLITE_FULL and then reports the commit as "no transaction is active" (SQLITE_ERROR): that was read as a
 * broken statement, and 1,458 of 1,500 creates on a full 3 MB disk answered 500. A real small file system: a tmpfs in a
 * private mount namespace, with a filler file the test deletes (through {@code /proc/<pid>/root}, the server's view of
 * the mounts) to give the space back.
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
                "mount -t tmpfs -o size=3m tmpfs \"$0\" && head -c 262144 /dev/zero > \"$0/filler\" && cd \"$0\""
                        + " && exec \"$@\"",
                work.toString());
        try (ServerProcess server = ServerProcess.startUnder(launcher, Map.of("EXPRUN_WORKERS", "0"), work)) {
            Http api = new Http(server.baseUri(), KEY_A);
            assertThat(writes(api)).as("readiness before the disk fills").isEqualTo("ok");
            List<String> acknowledged = new ArrayList<>();
            Map<Integer, Integer> statuses = new TreeMap<>();
            Map<String, Integer> readinessWhileFull = new TreeMap<>();
            int refusedInARow = 0;
            int spellsOfRefusals = 0; // the writes' state as the client sees it change: what the log says once each way
            for (int i = 0; i < 4000 && refusedInARow < 30; i++) {
                Http.Answer a = api.postJson(RUNS, CREATE);
                statuses.merge(a.status(), 1, Integer::sum);
                if (a.status() == 200) {
                    acknowledged.add(a.json().get("id").asText());
                    refusedInARow = 0;
                    continue;
                }
                spellsOfRefusals += refusedInARow == 0 ? 1 : 0;
                refusedInARow++;
                assertThat(a.status())
                        .as("a write the full disk refused: %s", a.body())
                        .isEqualTo(503);
                assertThat(a.headers().firstValue("Retry-After")).isPresent();
                assertThat(a.errorCode()).isNotBlank();
                // between refused writes: reads answer, and readiness says what happened
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
            assertThat(statuses).as("creates by status").containsOnlyKeys(200, 503);
            assertThat(refusedInARow).as("the disk filled up").isEqualTo(30);
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
            Http.Answer afterSpace = api.postJson(RUNS, CREATE);
            assertThat(afterSpace.status())
                    .as("a create once space is back: %s", afterSpace.body())
                    .isEqualTo(200);
            assertThat(writes(api)).as("readiness once a write succeeded").isEqualTo("ok");
            assertThat(api.get(RUNS + "/" + afterSpace.json().get("id").asText())
                            .status())
                    .isEqualTo(200);

            List<String> output = server.output();
            assertThat(output).noneMatch(line -> line.contains(" ERROR "));
            // Once each way, not once per refused write (the last spell alone refused 30). A full SQLite can take a
            // smaller write after refusing a larger one (a write's pages vary with where its random id falls), so a
            // spell may end and a new one start: each is one WARN and, when it ends, one INFO (Grizzly's build too).
            assertThat(output.stream().filter(line -> line.contains("writes are failing")))
                    .as("one WARN each time writes start failing")
                    .hasSize(spellsOfRefusals)
                    .allMatch(line -> line.contains(" WARN "));
            assertThat(output.stream().filter(line -> line.contains("writes succeed again")))
                    .as("one INFO each time they succeed again")
                    .hasSize(spellsOfRefusals);
        }
    }

    /** What {@code /readyz} says of writes; readiness itself stays 200 while the database answers. */
    private static String writes(Http api) {
        Http.Answer ready = api.get("/readyz");
        assertThat(ready.status()).as("/readyz: %s", ready.body()).isEqualTo(200);
        return ready.json().path("writes").asText("(absent)");
    }
}
