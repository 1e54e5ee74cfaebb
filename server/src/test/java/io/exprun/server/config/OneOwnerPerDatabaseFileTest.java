package io.exprun.server.config;

import static io.exprun.server.config.StartupFailuresTest.assertTwoLinesNoTrace;
import static io.exprun.server.config.StartupFailuresTest.cause;
import static io.exprun.server.config.StartupFailuresTest.fix;
import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.ServerProcess;
import io.exprun.server.testing.ServerProcess.Exited;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 34: one server per database file, whatever path leads to it. A first server (the real {@code Main}, its own
 * process) holds a run in flight; a second one started on the same file through a symbolic link (to the file, to its
 * directory), a hard link, or a relative path is refused in two lines and exits non-zero, and the first one is
 * untouched: it still answers, and its run is still running as it started (a second server that got in would have
 * re-queued it as interrupted). In-memory databases, which have no file, are refused at start-up as a setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneOwnerPerDatabaseFileTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    @TempDir
    static Path work;

    private Path data;
    private ServerProcess first;
    private Http api;
    private String runId;
    private JsonNode runAsStarted;

    @BeforeAll
    void startTheFirstServerWithARunInFlight() throws Exception {
        data = Files.createDirectories(work.resolve("first/data"));
        first = ServerProcess.start(
                Map.of(
                        "EXPRUN_DB_URL", "jdbc:sqlite:" + data.resolve("exprun.db"),
                        "EXPRUN_WORKERS", "1",
                        "EXPRUN_SIM_DOC_MS", "3600000"), // the run's first document lasts the whole test
                work.resolve("first"));
        api = new Http(first.baseUri(), KEY_A);
        Http.Answer created = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        runId = created.json().get("id").asText();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.get(RUNS + "/" + runId).lifecycleStatus().equals("running"));
        runAsStarted = api.get(RUNS + "/" + runId).json();
    }

    @AfterAll
    void stopTheFirstServer() {
        first.close();
    }

    /** The first server is as it was: answering, its run still running with the start it had. */
    @AfterEach
    void theFirstServerIsUntouched() {
        JsonNode now = api.get(RUNS + "/" + runId).json();
        assertThat(now.at("/lifecycle/status").asText()).isEqualTo("running");
        assertThat(now.at("/timing/started_at")).isEqualTo(runAsStarted.at("/timing/started_at"));
        assertThat(api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}").status())
                .as("the first server still writes")
                .isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a symbolic link to the file", "a symbolic link to its directory", "a relative path"})
    void a_second_server_on_the_same_file_by_another_path_is_refused(String path) throws Exception {
        Path second = Files.createDirectories(work.resolve("second-" + path.hashCode()));
        String url;
        switch (path) {
            case "a symbolic link to the file" -> {
                Path link = Files.createSymbolicLink(second.resolve("exprun.db"), data.resolve("exprun.db"));
                url = "jdbc:sqlite:" + link;
            }
            case "a symbolic link to its directory" -> {
                Path link = Files.createSymbolicLink(second.resolve("data"), data);
                url = "jdbc:sqlite:" + link.resolve("exprun.db");
            }
            default -> url = "jdbc:sqlite:../first/./data/exprun.db";
        }

        Exited refused = ServerProcess.runUntilExit(
                Map.of("EXPRUN_DB_URL", url, "EXPRUN_API_KEYS", "k:t", "EXPRUN_WORKERS", "1"), second, List.of());

        assertTwoLinesNoTrace(refused, StartupFailure.EXIT_FAILED);
        assertThat(cause(refused)).contains("is in use by another exprun (its SQLite database is locked)");
        assertThat(fix(refused)).contains("stop the other instance");
    }

    @Test
    void a_second_server_through_a_hard_link_is_refused() throws Exception {
        Path second = Files.createDirectories(work.resolve("second-hard"));
        Path link = Files.createLink(second.resolve("exprun.db"), data.resolve("exprun.db"));
        try {
            Exited refused = ServerProcess.runUntilExit(
                    Map.of("EXPRUN_DB_URL", "jdbc:sqlite:" + link, "EXPRUN_API_KEYS", "k:t", "EXPRUN_WORKERS", "1"),
                    second,
                    List.of());

            assertTwoLinesNoTrace(refused, StartupFailure.EXIT_FAILED);
            assertThat(cause(refused)).contains("has 2 names (hard links)");
            assertThat(fix(refused)).contains("find / -xdev -samefile");
        } finally {
            Files.delete(link);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "jdbc:sqlite::memory:",
                "jdbc:sqlite:file:x?mode=memory",
                "jdbc:sqlite:file::memory:?cache=shared"
            })
    void an_in_memory_database_is_refused_as_a_setting(String url) {
        Exited refused = ServerProcess.runUntilExit(
                Map.of("EXPRUN_DB_URL", url, "EXPRUN_API_KEYS", RunFixtures.KEY_A + ":t"), work, List.of());

        assertTwoLinesNoTrace(refused, StartupFailure.EXIT_CONFIG);
        assertThat(cause(refused)).contains("EXPRUN_DB_URL", "an embedded database must be a file");
        assertThat(fix(refused)).contains("EXPRUN_");
    }
}
