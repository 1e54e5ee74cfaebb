package io.exprun.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's contract with its user, against no server, a silent one and a stub: exit 2 and why. */
class ConformanceCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return ConformanceCommand.execute(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void without_a_target_it_exits_2_with_the_usage_and_tests_nothing() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(stderr())
                .contains("no target")
                .contains("Usage: exprun-conformance")
                .contains("--base-url");
        assertThat(stdout()).doesNotContain("target ");
    }

    @Test
    void a_key_without_a_url_is_no_target_either() {
        assertThat(run(Map.of("EXPRUN_API_KEY", "k"))).isEqualTo(2);
        assertThat(stderr()).contains("no target");
    }

    @Test
    void an_unknown_or_mistyped_flag_exits_2_with_the_usage() {
        assertThat(run(Map.of(), "--baseURL", "http://127.0.0.1:1", "--api-key", "k"))
                .isEqualTo(2);
        assertThat(stderr()).contains("Unknown option").contains("Usage:");
    }

    @Test
    void a_refused_connection_exits_2_naming_the_url_and_the_first_line_names_target_spec_and_writes()
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        assertThat(run(Map.of(), "--base-url", url, "--api-key", "k", "--timeout", "2s"))
                .isEqualTo(2);
        assertThat(stdout().lines().findFirst().orElseThrow())
                .contains("target " + url)
                .contains("WRITES")
                .contains(io.exprun.contract.SpecConformance.of(io.exprun.contract.SpecConformance.bundledSpecText())
                        .spec()
                        .at("/info/version")
                        .asText());
        assertThat(stderr()).contains("cannot reach " + url);
    }

    @Test
    void a_target_that_never_answers_exits_2_within_the_timeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();

            assertThat(run(Map.of(), "--base-url", url, "--api-key", "k", "--timeout", "1s", "--read-only"))
                    .isEqualTo(2);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(stdout()).contains("read-only: no writes are made");
            assertThat(stderr()).contains("cannot reach " + url).contains("1000 ms");
        }
    }

    @Test
    void the_environment_is_used_only_when_the_flags_are_absent() throws IOException {
        int flagPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            flagPort = s.getLocalPort();
        }
        Map<String, String> env = Map.of("EXPRUN_BASE_URL", "http://127.0.0.1:9", "EXPRUN_API_KEY", "env-key");

        assertThat(run(env, "--base-url", "http://127.0.0.1:" + flagPort, "--timeout", "2s"))
                .isEqualTo(2);
        assertThat(stdout()).contains("target http://127.0.0.1:" + flagPort).doesNotContain(":9 ");

        out.reset();
        assertThat(run(env, "--timeout", "2s")).isEqualTo(2);
        assertThat(stdout()).contains("target http://127.0.0.1:9 ");
    }

    @Test
    void without_runs_to_pick_from_and_without_experiment_id_it_exits_2_naming_the_flag() throws IOException {
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            byte[] body =
                    "{\"data\":[],\"list_metadata\":{\"before\":null,\"after\":null}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try {
            String url = "http://127.0.0.1:" + stub.getAddress().getPort();

            assertThat(run(Map.of(), "--base-url", url, "--api-key", "k")).isEqualTo(2);
            assertThat(stderr()).contains("--experiment-id");
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void a_spec_that_cannot_be_read_exits_2_before_any_request() {
        assertThat(run(Map.of(), "--base-url", "http://127.0.0.1:9", "--api-key", "k", "--spec", "/no/such/spec.yaml"))
                .isEqualTo(2);
        assertThat(stderr()).contains("cannot load the spec /no/such/spec.yaml");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void durations_read_as_people_write_them() {
        ConformanceCommand.DurationConverter c = new ConformanceCommand.DurationConverter();

        assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.convert("15")).isEqualTo(Duration.ofSeconds(15));
    }
}
