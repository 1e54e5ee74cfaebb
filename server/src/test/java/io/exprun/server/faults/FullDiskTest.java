package io.exprun.server.faults;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exprun.server.testing.Http;
import io.exprun.server.testing.ServerProcess;
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
 * create that was acknowledged is still there. SQLite rolls a transaction back by itself on SQLITE_FULL and then
 * reports the commit as "no transaction is active" (SQLITE_ERROR): that was read as a broken statement, and 1,458 of
 * 1,500 creates on a full 3 MB disk answered 500. A real small file system: a tmpfs in a private mount namespace.
 */
class FullDiskTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @TempDir
    Path work;

    @Test
    void every_write_a_full_disk_refuses_is_503_with_retry_after_and_reads_and_acknowledged_runs_stay() {
        assumeTrue(ServerProcess.canMountTmpfs(), "needs root and unshare(1) to mount a small tmpfs; skipped here");
        List<String> launcher = List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount -t tmpfs -o size=3m tmpfs \"$0\" && cd \"$0\" && exec \"$@\"",
                work.toString());
        try (ServerProcess server = ServerProcess.startUnder(launcher, Map.of("EXPRUN_WORKERS", "0"), work)) {
            Http api = new Http(server.baseUri(), KEY_A);
            List<String> acknowledged = new ArrayList<>();
            Map<Integer, Integer> statuses = new TreeMap<>();
            int refusedInARow = 0;
            for (int i = 0; i < 4000 && refusedInARow < 30; i++) {
                Http.Answer a = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}");
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
            assertThat(statuses).as("creates by status").containsOnlyKeys(200, 503);
            assertThat(refusedInARow).as("the disk filled up").isEqualTo(30);

            Http.Answer cancel = api.post(RUNS + "/" + acknowledged.get(acknowledged.size() - 1) + "/cancel");
            assertThat(cancel.status())
                    .as("a cancel on the full disk: %s", cancel.body())
                    .isIn(200, 503);
            assertThat(api.get(RUNS + "?limit=5").status()).as("reads go on").isEqualTo(200);
            for (String id : acknowledged) {
                assertThat(api.get(RUNS + "/" + id).status())
                        .as("acknowledged run %s", id)
                        .isEqualTo(200);
            }
            assertThat(server.output()).noneMatch(line -> line.contains(" ERROR "));
        }
    }
}
