package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.FaultyProxy;
import io.exprun.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility matrix, released conformance kits against the current server: every supported release's runnable kit
 * ({@code exprun-conformance-VERSION-all.jar}, as released under released/maven), in its own JVM exactly as another
 * team's CI runs it, passes against today's server, and fails (exit 1) against a server that makes a breaking change.
 * One of the matrix's breaking changes is invisible to a black-box kit, and left out here: a removed variant (queued
 * runs reported as pending) still answers valid lifecycles; the released pacts and client scenarios catch it.
 */
class ReleasedKitAgainstCurrentServerIT {

    private static TestServer exprun;

    @BeforeAll
    static void start() {
        exprun = TestServer.start(TestServer.embeddedConfig(2).withSimulation(300, 0));
    }

    @AfterAll
    static void stop() {
        exprun.close();
    }

    record Run(int exit, String console) {}

    static Stream<String> releases() {
        return ReleasedStub.supportedReleases().stream();
    }

    static Stream<Arguments> releasesAndFaults() {
        return releases()
                .flatMap(r -> Stream.of(
                                FaultyProxy.Fault.NONE,
                                FaultyProxy.Fault.RENAMED_FIELD,
                                FaultyProxy.Fault.CHANGED_NOT_FOUND_CODE,
                                FaultyProxy.Fault.NEW_REQUIRED_REQUEST_FIELD)
                        .map(f -> Arguments.of(r, f)));
    }

    private static Run releasedKit(String release, String baseUrl, String name)
            throws IOException, InterruptedException {
        Path jar = Path.of(
                "..",
                "released",
                "maven",
                "io",
                "exprun",
                "exprun-conformance",
                release,
                "exprun-conformance-" + release + "-all.jar");
        assertThat(jar).as("the released kit").exists();
        name = release + "-" + name;
        Path console = Path.of("target", "conformance", "released-" + name + ".txt");
        Files.createDirectories(console.getParent());
        Process kit = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "--base-url",
                        baseUrl,
                        "--api-key",
                        KEY_A,
                        "--other-tenant-key",
                        KEY_B,
                        "--experiment-id",
                        "exp_demo",
                        "--timeout",
                        "20s",
                        "--junit-xml",
                        Path.of("target", "conformance", "released-" + name + ".xml")
                                .toString()))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        assertThat(kit.waitFor(5, TimeUnit.MINUTES))
                .as("the released kit finishes; its output: " + console)
                .isTrue();
        return new Run(kit.exitValue(), Files.readString(console, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "the kit of {0}")
    @MethodSource("releases")
    void the_released_kit_passes_against_the_current_server(String release) throws Exception {
        Run run = releasedKit(release, exprun.baseUri().toString(), "current");

        assertThat(run.exit()).as(run.console()).isZero();
        assertThat(run.console()).contains(release);
    }

    @ParameterizedTest(name = "the kit of {0}, behind {1}")
    @MethodSource("releasesAndFaults")
    void a_breaking_server_change_fails_the_released_kit(String release, FaultyProxy.Fault fault) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(exprun.baseUri(), fault, KEY_A)) {
            Run run = releasedKit(
                    release, proxy.baseUrl(), "fault-" + fault.name().toLowerCase());

            assertThat(run.exit()).as(run.console()).isEqualTo(fault == FaultyProxy.Fault.NONE ? 0 : 1);
            System.out.printf(
                    "released kit of %s behind %s: exit %d%n%s%n",
                    release,
                    fault,
                    run.exit(),
                    run.console()
                            .lines()
                            .filter(l -> l.contains("FAIL"))
                            .limit(3)
                            .reduce("", (a, b) -> a + "  " + b + "\n"));
        }
    }
}
