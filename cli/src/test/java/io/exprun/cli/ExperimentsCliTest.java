package io.exprun.cli;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code exprun experiments …} against a real server without workers (a run stays pending, so an experiment's run is
 * active until cancelled): tables for people, the API's bytes with {@code --json} (checked against the spec), the
 * exit statuses, help.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentsCliTest {

    private static final String EXPERIMENTS = "/v1/workflows/experiments";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServer server;
    private Http http;
    private SpecConformance spec;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
        http = new Http(server.baseUri(), KEY_A);
        spec = SpecConformance.load();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun exprun(String... args) {
        return CliRun.against(server.baseUri(), KEY_A, args);
    }

    private static String field(CliRun run, String name) {
        return run.out()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + name + "' line in:\n" + run.out()))
                .substring(11)
                .trim();
    }

    @Test
    void create_get_list_update_a_refused_delete_then_delete_print_readable_output() {
        CliRun created = exprun(
                "experiments",
                "create",
                "--workflow-id",
                "wf_cli",
                "--name",
                "Invoices, May",
                "--block-type",
                "classifier",
                "--n-consensus",
                "5",
                "--document",
                "doc_1:a.pdf:application/pdf",
                "--document",
                "doc_2:b.pdf",
                "--document",
                "doc_3");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = field(created, "id");
        assertThat(field(created, "name")).isEqualTo("Invoices, May");
        assertThat(field(created, "block")).isEqualTo("blk_classifier (classifier)");
        assertThat(field(created, "consensus")).isEqualTo("5");
        assertThat(field(created, "documents")).isEqualTo("3: doc_1, doc_2, doc_3");
        assertThat(field(created, "last run")).isEqualTo("-");

        assertThat(field(exprun("experiments", "get", id), "workflow")).isEqualTo("wf_cli");
        CliRun list = exprun("experiments", "list", "--workflow-id", "wf_cli");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().toList())
                .hasSize(2)
                .first()
                .asString()
                .startsWith("ID")
                .contains("NAME", "WORKFLOW", "BLOCK", "DOCS", "LAST RUN", "UPDATED");
        assertThat(list.out().lines().skip(1).findFirst().orElseThrow())
                .startsWith(id)
                .contains("Invoices, May");

        CliRun updated = exprun("experiments", "update", id, "--name", "Invoices, June", "--document", "doc_9:z.pdf");
        assertThat(updated.exit()).isZero();
        assertThat(field(updated, "name")).isEqualTo("Invoices, June");
        assertThat(field(updated, "documents")).isEqualTo("1: doc_9");
        assertThat(field(updated, "consensus")).isEqualTo("5");

        String run = field(exprun("runs", "create", id), "id");
        CliRun refused = exprun("experiments", "delete", id);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err().lines().toList())
                .hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0))
                        .startsWith("exprun: 409 experiment_has_active_run: ")
                        .contains(run, "(request id "))
                .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("  cancel it first: exprun runs cancel " + run));

        assertThat(exprun("runs", "cancel", run).exit()).isZero();
        CliRun deleted = exprun("experiments", "delete", id);
        assertThat(deleted.exit()).isZero();
        assertThat(deleted.out()).isEqualTo("deleted " + id + "\n");

        CliRun gone = exprun("experiments", "get", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).startsWith("exprun: 404 experiment_not_found: ");
    }

    @Test
    void create_from_a_source_and_captured_runs_and_with_an_idempotency_key() {
        Run done = server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);

        CliRun copy = exprun("experiments", "create", "--workflow-id", "wf_demo", "--source", "exp_demo");
        CliRun captured = exprun("experiments", "create", "--workflow-id", "wf_demo", "--capture-run", done.id());
        CliRun once = exprun(
                "experiments",
                "create",
                "--workflow-id",
                "wf_once",
                "--source",
                "exp_demo",
                "--idempotency-key",
                "k-1");
        CliRun again = exprun(
                "experiments",
                "create",
                "--workflow-id",
                "wf_once",
                "--source",
                "exp_demo",
                "--idempotency-key",
                "k-1");

        assertThat(copy.exit()).as(copy.err()).isZero();
        assertThat(field(copy, "documents")).startsWith("5: doc_1, doc_2");
        assertThat(captured.exit()).as(captured.err()).isZero();
        assertThat(field(captured, "documents")).startsWith("5: doc_1");
        assertThat(field(once, "id")).isEqualTo(field(again, "id"));
    }

    @Test
    void json_prints_the_apis_answers_byte_for_byte() throws Exception {
        CliRun created = exprun(
                "experiments",
                "create",
                "--workflow-id",
                "wf_json",
                "--document",
                "doc_1:a.pdf:application/pdf",
                "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(spec.violations("POST", EXPERIMENTS, 200, created.out())).isEmpty();
        String id = JSON.readTree(created.out()).get("id").asText();

        CliRun get = exprun("experiments", "get", id, "--json");
        assertThat(get.out()).isEqualTo(http.get(EXPERIMENTS + "/" + id).body() + "\n");

        CliRun list = exprun("experiments", "list", "--workflow-id", "wf_json", "--limit", "5", "--json");
        assertThat(list.out())
                .isEqualTo(
                        http.get(EXPERIMENTS + "?workflow_id=wf_json&limit=5").body() + "\n");
        assertThat(spec.violations("GET", EXPERIMENTS, 200, list.out())).isEmpty();

        CliRun updated = exprun("experiments", "update", id, "--n-consensus", "7", "--json");
        assertThat(spec.violations("PATCH", EXPERIMENTS + "/" + id, 200, updated.out()))
                .isEmpty();
        assertThat(JSON.readTree(updated.out()).get("n_consensus").asInt()).isEqualTo(7);
        assertThat(updated.out()).isEqualTo(http.get(EXPERIMENTS + "/" + id).body() + "\n");

        CliRun deleted = exprun("experiments", "delete", id, "--json");
        assertThat(deleted.exit()).isZero();
        assertThat(JSON.readTree(deleted.out()))
                .isEqualTo(JSON.createObjectNode().put("id", id).put("deleted", true));
    }

    @Test
    void the_409_under_json_is_the_apis_error_body() throws Exception {
        String id = JSON.readTree(
                        exprun("experiments", "create", "--workflow-id", "wf_409", "--source", "exp_demo", "--json")
                                .out())
                .get("id")
                .asText();
        String run = JSON.readTree(exprun("runs", "create", id, "--json").out())
                .get("id")
                .asText();

        CliRun refused = exprun("experiments", "delete", id, "--json");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(spec.violations("DELETE", EXPERIMENTS + "/" + id, 409, refused.out()))
                .isEmpty();
        JsonNode detail = JSON.readTree(refused.out()).get("detail");
        assertThat(detail.get("code").asText()).isEqualTo("experiment_has_active_run");
        assertThat(detail.at("/details/run_id").asText()).isEqualTo(run);
    }

    @Test
    void another_tenants_experiment_is_not_found() {
        String id = field(exprun("experiments", "create", "--workflow-id", "wf_b", "--source", "exp_demo"), "id");

        CliRun theirs = CliRun.against(server.baseUri(), KEY_B, "experiments", "get", id);
        CliRun theirDelete = CliRun.against(server.baseUri(), KEY_B, "experiments", "delete", id);

        assertThat(theirs.exit()).isEqualTo(1);
        assertThat(theirs.err()).startsWith("exprun: 404 experiment_not_found");
        assertThat(theirDelete.exit()).isEqualTo(1);
        assertThat(exprun("experiments", "get", id).exit()).isZero();
    }

    @Test
    void bad_usage_exits_2_and_the_servers_refusals_exit_1() {
        CliRun noWorkflow = exprun("experiments", "create", "--document", "doc_1");
        CliRun badType = exprun("experiments", "create", "--workflow-id", "wf", "--block-type", "sideways");
        CliRun emptyDocument = exprun("experiments", "create", "--workflow-id", "wf", "--document", ":a.pdf");
        CliRun unknownSource = exprun("experiments", "create", "--workflow-id", "wf", "--source", "exp_missing");
        CliRun badConsensus =
                exprun("experiments", "create", "--workflow-id", "wf", "--document", "d", "--n-consensus", "4");
        CliRun noCommand = exprun("experiments");

        assertThat(noWorkflow.exit()).isEqualTo(2);
        assertThat(noWorkflow.err()).contains("--workflow-id");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err().lines()).hasSize(1).first().asString().contains("sideways");
        assertThat(emptyDocument.exit()).isEqualTo(2);
        assertThat(emptyDocument.err()).contains("names no document");
        assertThat(unknownSource.exit()).as("a 404 from the server").isEqualTo(1);
        assertThat(unknownSource.err()).startsWith("exprun: 404");
        assertThat(badConsensus.exit()).isEqualTo(2);
        assertThat(badConsensus.err()).contains("--n-consensus", "4 is not 3, 5 or 7");
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err()).contains("list, get, create, update, delete");
        assertThat(noWorkflow.hasStackTrace() || badConsensus.hasStackTrace()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "get", "create", "update", "delete"})
    void every_subcommand_has_help(String command) {
        CliRun help = CliRun.exprun("experiments", command, "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .startsWith("Usage: exprun experiments " + command)
                .contains("--json", "--url", "Exit status:");
        assertThat(help.err()).isEmpty();
    }
}
