package io.exprun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

/** The command line against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExprunCliTest {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.startH2(0);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private record Outcome(int exit, String out, String err) {
    }

    private Outcome exprun(String... args) {
        CommandLine cli = ExprunCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 4];
        all[0] = "--url";
        all[1] = server.baseUri().toString();
        all[2] = "--api-key";
        all[3] = KEY_A;
        System.arraycopy(args, 0, all, 4, args.length);
        int exit = cli.execute(all);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void create_get_cancel_results_and_list_print_readable_tables() {
        Outcome created = exprun("runs", "create", "exp_demo");
        assertThat(created.exit()).isZero();
        String id = created.out().lines().filter(l -> l.startsWith("id")).findFirst().orElseThrow().split("\\s+")[1];
        assertThat(created.out()).contains("status      pending", "documents   0/5 done, 0 failed");

        assertThat(exprun("runs", "get", id).out()).contains("experiment  exp_demo");
        assertThat(exprun("runs", "cancel", id).out()).startsWith("cancelled " + id + " (Cancelled by API request)");
        Outcome results = exprun("runs", "results", id);
        assertThat(results.out().lines()).first().asString().startsWith("RESULT").contains("DOCUMENT", "STATUS");
        assertThat(results.out()).contains("doc_5").contains("cancelled  Cancelled by API request");
        Outcome list = exprun("runs", "list", "--status", "cancelled");
        assertThat(list.out()).contains(id).contains("0/5");
    }

    @Test
    void json_output_is_the_apis_json() throws Exception {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.ERROR);

        Outcome out = exprun("runs", "get", run.id(), "--json");

        JsonNode json = new ObjectMapper().readTree(out.out());
        assertThat(json.get("id").asText()).isEqualTo(run.id());
        assertThat(json.at("/lifecycle/status").asText()).isEqualTo("error");
        assertThat(json.at("/lifecycle/message").asText()).isEqualTo("1 of 5 documents failed");
    }

    @Test
    void api_errors_exit_1_with_the_servers_message() {
        Run completed = server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);

        Outcome missing = exprun("runs", "get", "exprun_nope");
        Outcome notCancellable = exprun("runs", "cancel", completed.id());

        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("404 run_not_found");
        assertThat(notCancellable.exit()).isEqualTo(1);
        assertThat(notCancellable.err()).contains("run_not_cancellable", "completed", "request id");
    }

    @Test
    void bad_usage_exits_2() {
        assertThat(exprun("runs", "list", "--status", "sideways").exit()).isEqualTo(2);
        assertThat(exprun("runs", "frobnicate").exit()).isEqualTo(2);
    }
}
