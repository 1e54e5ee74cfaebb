package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.RowVersion;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java example of the seed page (Retab's "Cancel Experiment Run", src/test/resources/seed-page-java-example.md, as
 * the page has it) is src/seed/java/Example.java verbatim but for the two lines that name the client (its import and
 * the line that builds it): it compiles against exprun's client (it is a test source of this module) and runs against
 * a real exprun server, cancelling the run it names.
 */
class SeedPageExampleTest {

    private static final Path EXAMPLE = Path.of("src/seed/java/Example.java");

    /** The seed page's code block without its fence and its indentation in the page. */
    static List<String> seedCode() throws IOException {
        List<String> block = Files.readAllLines(Path.of("src/test/resources/seed-page-java-example.md"));
        List<String> code = new ArrayList<>();
        for (String line : block.subList(1, block.size() - 1)) {
            code.add(line.startsWith("  ") ? line.substring(2) : line);
        }
        return code;
    }

    /** The lines of {@code ours} that differ from the seed page's, as "seed → ours". */
    static List<String> differences(List<String> seed, List<String> ours) {
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < Math.max(seed.size(), ours.size()); i++) {
            String a = i < seed.size() ? seed.get(i) : "<none>";
            String b = i < ours.size() ? ours.get(i) : "<none>";
            if (!a.equals(b)) {
                differ.add(a.trim() + " → " + b.trim());
            }
        }
        return differ;
    }

    @Test
    void the_example_is_the_seed_pages_but_for_the_import_and_the_construction_line() throws IOException {
        List<String> differ = differences(seedCode(), Files.readAllLines(EXAMPLE));

        assertThat(differ)
                .containsExactly(
                        "import com.retab.RetabClient; → import io.exprun.client.ExprunClient;",
                        "RetabClient client = new RetabClient(System.getenv(\"RETAB_API_KEY\")); → ExprunClient client ="
                                + " new ExprunClient(System.getProperty(\"exprun.apiKey\"),"
                                + " System.getProperty(\"exprun.baseUrl\"));");
    }

    @Test
    void negative_control_an_example_changed_anywhere_else_is_caught() throws IOException {
        List<String> changed = new ArrayList<>(Files.readAllLines(EXAMPLE));
        changed.replaceAll(l -> l.replace(".runs().cancel(", ".runs().cancelRun("));

        assertThat(differences(seedCode(), changed)).hasSize(3);
    }

    @Test
    void the_example_runs_against_exprun_and_cancels_the_run_it_names() throws Exception {
        try (TestServer server = TestServer.startEmbedded(0)) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            server.server()
                    .store()
                    .insertRun(
                            new Run(
                                    "run_abc123",
                                    RunFixtures.TENANT_A,
                                    RunFixtures.EXPERIMENT,
                                    "wf_demo",
                                    "wfv_demo_1",
                                    "blk_extract",
                                    "extract",
                                    3,
                                    "api",
                                    Lifecycle.of(LifecycleStatus.RUNNING),
                                    now,
                                    now,
                                    null,
                                    "bef",
                                    "df",
                                    0,
                                    0,
                                    0,
                                    RowVersion.FIRST),
                            List.of());
            System.setProperty("exprun.apiKey", RunFixtures.KEY_A);
            System.setProperty("exprun.baseUrl", server.baseUri().toString());
            PrintStream stdout = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
                Class.forName("Example").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
            } finally {
                System.setOut(stdout);
                System.clearProperty("exprun.apiKey");
                System.clearProperty("exprun.baseUrl");
            }

            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("class CancelWorkflowExperimentRunResponse")
                    .contains("id: run_abc123")
                    .contains("cancelled");
            assertThat(server.server()
                            .store()
                            .findRun(RunFixtures.TENANT_A, "run_abc123")
                            .orElseThrow()
                            .status())
                    .isEqualTo(LifecycleStatus.CANCELLED);
        }
    }
}
