package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.TestServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit's coverage gate: {@code --min-coverage PERCENT} over operation × status × lifecycle variant makes a
 * pipeline fail (exit 1) when the run answered less, and its JUnit XML names what was missing. exprun never answers
 * some declared statuses to a well-behaved client (503 needs an outage, 429 an overload), so 100% must fail against
 * it: the gate's negative control; the coverage it does reach must pass.
 */
class ConformanceKitCoverageGateIT {

    private static TestServer exprun;

    @BeforeAll
    static void start() {
        exprun = TestServer.start(TestServer.embeddedConfig(2).withSimulation(300, 0));
    }

    @AfterAll
    static void stop() {
        exprun.close();
    }

    @Test
    void below_the_minimum_coverage_the_kit_exits_1_and_the_junit_xml_names_what_is_missing() throws Exception {
        KitRun kit = KitRun.against(exprun.baseUri().toString(), "coverage-100", "--min-coverage", "100");

        assertThat(kit.exit()).as(kit.console()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .satisfies(c -> assertThat(c)
                        .startsWith("[coverage] operation × status × lifecycle variant coverage ≥ 100.0%")
                        .contains("missing: ")
                        .contains("→ 503"));
        assertThat(Files.readString(kit.junitXml()))
                .contains("coverage ≥ 100.0%")
                .contains("<failure")
                .contains("→ 503");
    }

    @Test
    void at_or_above_the_minimum_the_coverage_check_passes() {
        KitRun measured = KitRun.against(exprun.baseUri().toString(), "coverage-measured");
        double reached =
                Double.parseDouble(measured.console().replaceAll("(?s).*\\((\\d+\\.\\d)%; --min-coverage.*", "$1"));

        KitRun kit = KitRun.against(
                exprun.baseUri().toString(),
                "coverage-reached",
                "--min-coverage",
                Double.toString(Math.floor(reached) - 5));

        assertThat(kit.exit()).as(kit.console()).isZero();
        assertThat(kit.cases("passed")).anySatisfy(c -> assertThat(c).startsWith("[coverage] "));
    }

    @Test
    void a_minimum_that_is_not_a_percentage_is_refused_before_anything_is_judged() {
        KitRun kit = KitRun.against(exprun.baseUri().toString(), "coverage-101", "--min-coverage", "101");

        assertThat(kit.exit()).isEqualTo(2);
        assertThat(kit.console()).contains("--min-coverage must be a percentage from 0 to 100");
    }
}
