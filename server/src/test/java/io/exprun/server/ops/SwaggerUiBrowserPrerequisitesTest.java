package io.exprun.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The browser test's gate: fail under CI=true without a browser, skip loudly elsewhere, run when it is there. */
class SwaggerUiBrowserPrerequisitesTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private PrintStream console() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    @Test
    void without_chromium_under_ci_the_browser_test_fails() {
        Path chromium = dir.resolve("chromium");
        Path driver = dir.resolve("chromedriver");

        assertThatThrownBy(() -> SwaggerUiBrowserTest.requireChromium("true", chromium, driver, console()))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(chromium.toString())
                .hasMessageContaining(driver.toString())
                .hasMessageContaining("apt-get install chromium chromium-driver");
    }

    @Test
    void without_chromium_elsewhere_it_is_skipped_and_says_why_on_the_console() {
        Path chromium = dir.resolve("chromium");

        assertThatThrownBy(() ->
                        SwaggerUiBrowserTest.requireChromium(null, chromium, dir.resolve("chromedriver"), console()))
                .isInstanceOf(TestAbortedException.class);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .startsWith("[SKIPPED] SwaggerUiBrowserTest needs Chromium")
                .contains(chromium.toString());
    }

    @Test
    void with_both_installed_the_gate_lets_it_run_even_under_ci() throws Exception {
        Path chromium = executable("chromium");
        Path driver = executable("chromedriver");

        assertThatCode(() -> SwaggerUiBrowserTest.requireChromium("true", chromium, driver, console()))
                .doesNotThrowAnyException();
        assertThat(console.size()).isZero();
    }

    private Path executable(String name) throws Exception {
        return Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
