package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.exprun.server.testing.Http;
import io.exprun.server.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code Main} without EXPRUN_API_KEYS, started twice on one data directory. */
class DevKeyAndBannerTest {

    @TempDir
    Path work;

    private static final Map<String, String> NO_KEYS = Map.of("EXPRUN_WORKERS", "0");

    private static List<String> banner(ServerProcess server) {
        return await().atMost(Duration.ofSeconds(30))
                .until(server::output, lines -> lines.stream().anyMatch(l -> l.contains("export EXPRUN_API_KEY=")));
    }

    private static String printedKey(List<String> banner) {
        return banner.stream()
                .filter(l -> l.contains("export EXPRUN_API_KEY="))
                .findFirst()
                .orElseThrow()
                .replaceFirst(".*export EXPRUN_API_KEY=", "")
                .trim();
    }

    @Test
    void the_dev_key_is_kept_across_restarts_owner_only_and_works() throws Exception {
        String first;
        try (ServerProcess server = ServerProcess.startWithoutApiKeys(NO_KEYS, work)) {
            List<String> banner = banner(server);
            first = printedKey(banner);
            assertThat(banner)
                    .anyMatch(l -> l.contains(
                            "generated now in " + work.resolve("data").resolve("dev-api-key")));
            assertThat(new Http(server.baseUri(), first)
                            .get("/v1/workflows/experiments/runs")
                            .status())
                    .isEqualTo(200);
        }
        String second;
        try (ServerProcess server = ServerProcess.startWithoutApiKeys(NO_KEYS, work)) {
            List<String> banner = banner(server);
            second = printedKey(banner);
            assertThat(banner).anyMatch(l -> l.contains("kept from an earlier start"));
            assertThat(new Http(server.baseUri(), second)
                            .get("/v1/workflows/experiments/runs")
                            .status())
                    .isEqualTo(200);
        }

        assertThat(second).startsWith("rt_test_").isEqualTo(first);
        Path data = work.resolve("data");
        assertThat(Files.readString(data.resolve("dev-api-key")).trim()).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("dev-api-key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void a_key_file_someone_made_readable_is_made_owner_only_again() throws Exception {
        Path data = Files.createDirectory(work.resolve("data"));
        Path key = Files.writeString(data.resolve("dev-api-key"), "rt_test_given\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        try (ServerProcess server = ServerProcess.startWithoutApiKeys(NO_KEYS, work)) {
            assertThat(printedKey(banner(server))).isEqualTo("rt_test_given");
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
    }

    @Test
    void the_banner_lists_the_api_docs_contract_health_and_metrics() {
        try (ServerProcess server = ServerProcess.startWithoutApiKeys(NO_KEYS, work)) {
            List<String> banner = banner(server);
            String base = server.baseUri().toString();

            for (String path : List.of("v1/workflows/experiments/runs", "docs", "openapi.yaml", "healthz", "metrics")) {
                assertThat(banner).as(path).anyMatch(l -> l.contains(base + path));
                assertThat(new Http(server.baseUri(), printedKey(banner))
                                .get("/" + path)
                                .status())
                        .as(path)
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void with_configured_keys_no_dev_key_is_made_or_printed() {
        try (ServerProcess server = ServerProcess.start(Map.of("EXPRUN_WORKERS", "0"), work)) {
            List<String> banner = await().atMost(Duration.ofSeconds(30))
                    .until(server::output, lines -> lines.stream().anyMatch(l -> l.contains("Authenticate with")));

            assertThat(banner).noneMatch(l -> l.contains("EXPRUN_API_KEY="));
            assertThat(work.resolve("data").resolve("dev-api-key")).doesNotExist();
        }
    }
}
