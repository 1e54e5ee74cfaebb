package io.exprun.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exprun.server.testing.ServerProcess;
import io.exprun.server.testing.ServerProcess.Exited;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real {@code Main} in its own JVM, with the production logging configuration, meeting what operators meet on the
 * embedded database: each failed start exits non-zero with two lines (cause, fix) and no stack trace.
 * PostgreSQL's refusals are in {@link StartupFailuresOnPostgresTest}.
 */
class StartupFailuresTest {

    @TempDir
    Path work;

    static void assertTwoLinesNoTrace(Exited exited, int status) {
        assertThat(exited.status())
                .as("exit status; output: %s", exited.lines())
                .isEqualTo(status);
        assertThat(exited.hasStackTrace())
                .as("stack trace in %s", exited.lines())
                .isFalse();
        List<String> said = exited.lines().stream()
                .filter(l -> l.startsWith("exprun: ") || l.startsWith("  fix: "))
                .toList();
        assertThat(said).as("the two lines in %s", exited.lines()).hasSize(2);
        said.forEach(l -> System.out.println("[what the operator sees] " + l));
        assertThat(said.get(0)).startsWith("exprun: cannot start: ");
        assertThat(said.get(1)).startsWith("  fix: ");
    }

    static String cause(Exited exited) {
        return exited.lines().stream()
                .filter(l -> l.startsWith("exprun: "))
                .findFirst()
                .orElseThrow();
    }

    static String fix(Exited exited) {
        return exited.lines().stream()
                .filter(l -> l.startsWith("  fix: "))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void a_taken_port_names_the_port_and_how_to_choose_another() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            Exited exited = ServerProcess.runUntilExit(
                    Map.of("EXPRUN_PORT", String.valueOf(port), "EXPRUN_API_KEYS", "k:t"), work, List.of());

            assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
            assertThat(cause(exited))
                    .isEqualTo("exprun: cannot start: port " + port + " on 127.0.0.1 is already in "
                            + "use (another exprun, or another program, listens there)");
            assertThat(fix(exited)).contains("EXPRUN_PORT=" + (port + 1), "EXPRUN_PORT=0");
        }
    }

    @Test
    void at_debug_level_the_stack_trace_follows_the_two_lines() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Exited exited = ServerProcess.runUntilExit(
                    Map.of(
                            "EXPRUN_PORT",
                            String.valueOf(taken.getLocalPort()),
                            "EXPRUN_API_KEYS",
                            "k:t",
                            "EXPRUN_LOG_LEVEL",
                            "DEBUG"),
                    work,
                    List.of());

            assertThat(exited.status()).isEqualTo(StartupFailure.EXIT_FAILED);
            assertThat(exited.lines()).anyMatch(l -> l.startsWith("exprun: cannot start: port "));
            assertThat(exited.hasStackTrace()).as("the trace at DEBUG").isTrue();
            assertThat(exited.lines()).anyMatch(l -> l.contains("java.net.BindException"));
        }
    }

    @Test
    void a_second_start_on_the_same_data_directory_says_it_is_in_use() {
        try (ServerProcess first = ServerProcess.start(Map.of("EXPRUN_WORKERS", "0"), work)) {
            Exited second = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", "k:t"), work, List.of());

            assertTwoLinesNoTrace(second, StartupFailure.EXIT_FAILED);
            assertThat(cause(second))
                    .isEqualTo("exprun: cannot start: the data directory " + work.resolve("data")
                            + " is in use by another exprun (its SQLite database is locked)");
            assertThat(fix(second)).contains("stop the other instance", "EXPRUN_DB_URL=jdbc:sqlite:");
        }
    }

    @Test
    void a_read_only_data_directory_says_it_cannot_write_there() throws Exception {
        Path data = Files.createDirectory(work.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));

        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", "k:t"), work, asOrdinaryUser());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: cannot write to the data directory " + data + " (permission denied)");
        assertThat(fix(exited)).contains("chmod u+rwx " + data);
    }

    @Test
    void a_full_disk_says_the_disk_is_full() throws Exception {
        // a 16 KiB tmpfs in a private mount namespace: a real "No space left on device" without filling a real disk
        Path small = Files.createDirectory(work.resolve("small"));
        assumeTrue(ServerProcess.canMountTmpfs(), "needs root and unshare(1) to mount a tiny tmpfs; skipped here");
        List<String> launcher = List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount -t tmpfs -o size=16k tmpfs \"$0\" && cd \"$0\" && exec \"$@\"",
                small.toString());

        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", "k:t"), small, launcher);

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: the disk holding the data directory " + small.resolve("data")
                        + " is full (No space left on device)");
    }

    @Test
    void a_read_only_file_system_says_so() throws Exception {
        // a read-only bind mount in a private mount namespace: EROFS, which stops root as well
        Path dir = Files.createDirectory(work.resolve("ro"));
        Path data = Files.createDirectory(dir.resolve("data"));
        assumeTrue(ServerProcess.canMountTmpfs(), "needs root and unshare(1) to make a read-only mount; skipped here");
        List<String> launcher = List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,ro,bind \"$0\" && cd \"$0\" && exec \"$@\"",
                dir.toString());

        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", "k:t"), dir, launcher);

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_FAILED);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: cannot write to the data directory " + data
                        + " (read-only file system)");
        assertThat(fix(exited)).startsWith("  fix: mount that file system read-write, or point EXPRUN_DB_URL at");
    }

    @Test
    void an_invalid_setting_names_the_variable_and_exits_2() {
        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_PORT", "80800"), work, List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_CONFIG);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: invalid configuration: EXPRUN_PORT='80800' is "
                        + "invalid (port must be 0..65535): expected a port number 0-65535");
    }

    @Test
    void a_zero_lease_and_an_executor_that_is_not_there_are_refused_in_two_lines_and_exit_2() {
        Exited zeroLease =
                ServerProcess.runUntilExit(Map.of("EXPRUN_LEASE_MS", "0", "EXPRUN_API_KEYS", "k:t"), work, List.of());
        assertTwoLinesNoTrace(zeroLease, StartupFailure.EXIT_CONFIG);
        assertThat(cause(zeroLease))
                .isEqualTo("exprun: cannot start: invalid configuration: EXPRUN_LEASE_MS='0' is "
                        + "invalid (the lease must be more than 0 ms): expected milliseconds > 0");

        Exited missing = ServerProcess.runUntilExit(
                Map.of("EXPRUN_EXECUTOR", "com.example.Missing", "EXPRUN_API_KEYS", "k:t"), work, List.of());
        assertTwoLinesNoTrace(missing, StartupFailure.EXIT_CONFIG);
        assertThat(cause(missing))
                .isEqualTo("exprun: cannot start: invalid configuration: "
                        + "EXPRUN_EXECUTOR=com.example.Missing is not on the classpath");
    }

    @Test
    void a_retired_variable_is_refused_in_two_lines_naming_what_replaced_it_and_exits_2() {
        Exited exited = ServerProcess.runUntilExit(
                Map.of("EXPRUN_TENANT_MAX_CONCURRENT", "2", "EXPRUN_API_KEYS", "k:t"), work, List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_CONFIG);
        assertThat(cause(exited))
                .isEqualTo(
                        "exprun: cannot start: invalid configuration: EXPRUN_TENANT_MAX_CONCURRENT is no longer read:"
                                + " tenants are no longer capped, they take turns (EXPRUN_TENANT_QUEUE bounds what one may have"
                                + " waiting); unset it");
    }

    @Test
    void an_invalid_retention_is_refused_in_two_lines_and_exits_2() {
        Exited exited = ServerProcess.runUntilExit(
                Map.of("EXPRUN_RETENTION", "a month", "EXPRUN_API_KEYS", "k:t"), work, List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_CONFIG);
        assertThat(cause(exited))
                .isEqualTo("exprun: cannot start: invalid configuration: EXPRUN_RETENTION='a month' "
                        + "is invalid (not a duration): expected a duration such as 30d, 12h or P30D, or off");
    }

    @Test
    void api_keys_are_never_echoed_in_an_invalid_setting_message() {
        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", "secret-without-tenant"), work, List.of());

        assertThat(exited.status()).isEqualTo(StartupFailure.EXIT_CONFIG);
        assertThat(cause(exited)).contains("EXPRUN_API_KEYS=(value hidden)").doesNotContain("secret");
    }

    /** Issue 23, item 7: every EXPRUN_API_KEYS an operator could have meant two ways stops the start. */
    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "key_a:tenant_a,key_a:tenant_b | the key of entry 2 of 2 is the key of entry 1 again (for another tenant)",
                "key_a:tenant_a, key_a :tenant_a | the key of entry 2 of 2 is the key of entry 1 again (for the same tenant)",
                "\",\" | entry 1 of 2 is empty",
                "\"\" | it is set but empty",
                "\"   \" | it is set but empty",
                "key_a:tenant_a, | entry 2 of 2 is empty",
                "key_a: | entry 1 of 1 has an empty tenant",
                ":tenant_a | entry 1 of 1 has an empty key",
                "key_a | entry 1 of 1 must have exactly one ':'",
                "key:a:tenant_a | entry 1 of 1 must have exactly one ':'",
                "key a:tenant_a | entry 1 of 1 has whitespace or control characters"
            })
    void an_ambiguous_api_key_list_is_refused_in_two_lines_and_exits_2(String keys, String why) {
        Exited exited = ServerProcess.runUntilExit(Map.of("EXPRUN_API_KEYS", keys), work, List.of());

        assertTwoLinesNoTrace(exited, StartupFailure.EXIT_CONFIG);
        assertThat(cause(exited))
                .startsWith("exprun: cannot start: invalid configuration: EXPRUN_API_KEYS=(value "
                        + "hidden) is invalid (" + why)
                .doesNotContain("key_a");
        assertThat(exited.lines()).noneMatch(l -> l.contains("EXPRUN_API_KEY=")); // no development key instead
        assertThat(work.resolve("data").resolve("dev-api-key")).doesNotExist();
    }

    /**
     * File permissions do not stop root (CAP_DAC_OVERRIDE): as root, start exprun without that capability, as an
     * ordinary user would run it. Nothing to do for a non-root user.
     */
    static List<String> asOrdinaryUser() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        List<String> setpriv = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search");
        assumeTrue(runs(setpriv, "true"), "running as root without setpriv(1): permissions cannot be tested");
        return setpriv;
    }

    private static boolean runs(List<String> launcher, String command) {
        try {
            List<String> all = new java.util.ArrayList<>(launcher);
            all.add(command);
            Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
