package io.exprun.cli;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line for people, against a real server: tables, messages, exit statuses, help. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExprunCliTest {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun exprun(String... args) {
        return CliRun.against(server.baseUri(), KEY_A, args);
    }

    @Test
    void create_get_cancel_results_and_list_print_readable_tables() {
        CliRun created = exprun("runs", "create", "exp_demo");
        assertThat(created.exit()).isZero();
        String id = created.out()
                .lines()
                .filter(l -> l.startsWith("id"))
                .findFirst()
                .orElseThrow()
                .split("\\s+")[1];
        assertThat(created.out()).contains("status      pending", "documents   0/5 done, 0 failed");

        assertThat(exprun("runs", "get", id).out()).contains("experiment  exp_demo");
        assertThat(exprun("runs", "cancel", id).out()).startsWith("cancelled " + id + " (Cancelled by API request)");
        CliRun results = exprun("runs", "results", id);
        assertThat(results.out().lines())
                .first()
                .asString()
                .startsWith("RESULT")
                .contains("DOCUMENT", "STATUS");
        assertThat(results.out()).contains("doc_5").contains("cancelled  Cancelled by API request");
        CliRun list = exprun("runs", "list", "--status", "cancelled");
        assertThat(list.out()).contains(id).contains("0/5");
        assertThat(list.exit()).isZero();
    }

    @Test
    void list_pages_follow_the_cursor_the_api_gives() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.fixtures().runIn(TENANT_A, LifecycleStatus.QUEUED);
        }

        CliRun first = exprun("runs", "list", "--status", "queued", "--limit", "2");
        String cursor = first.err()
                .lines()
                .filter(l -> l.startsWith("more: add --after "))
                .findFirst()
                .orElseThrow()
                .substring("more: add --after ".length());
        CliRun firstJson = exprun("runs", "list", "--status", "queued", "--limit", "2", "--json");
        CliRun second = exprun("runs", "list", "--status", "queued", "--limit", "2", "--after", cursor);

        assertThat(first.out().lines()).hasSize(3); // header + 2
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(firstJson.out())
                        .at("/list_metadata/after")
                        .asText())
                .isEqualTo(cursor);
        assertThat(second.exit()).isZero();
        assertThat(second.out().lines().skip(1).toList())
                .isNotEmpty()
                .noneMatch(row -> first.out().contains(row.split("\\s+")[0]));
    }

    @Test
    void options_may_also_follow_the_command() {
        Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.PENDING);

        CliRun get =
                CliRun.exprun("runs", "get", run.id(), "--url", server.baseUri().toString(), "--api-key", KEY_A);

        assertThat(get.exit()).isZero();
        assertThat(get.out()).contains("status      pending");
    }

    @Test
    void a_missing_run_exits_1_with_the_servers_code_message_and_request_id_on_one_line() {
        CliRun missing = exprun("runs", "get", "exprun_nope");

        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("exprun: 404 run_not_found: ")
                .contains("(request id ");
    }

    @Test
    void cancelling_a_completed_run_exits_1_and_says_it_is_completed() {
        Run completed = server.fixtures().runIn(TENANT_A, LifecycleStatus.COMPLETED);

        CliRun notCancellable = exprun("runs", "cancel", completed.id());

        assertThat(notCancellable.exit()).isEqualTo(1);
        assertThat(notCancellable.err()).contains("404 run_not_cancellable", "completed", "request id");
    }

    @Test
    void a_422_shows_each_field_error_with_its_location() {
        CliRun tooMany = exprun("runs", "list", "--limit", "1000");

        assertThat(tooMany.exit()).isEqualTo(1);
        assertThat(tooMany.err().lines()).first().asString().startsWith("exprun: 422");
        // the wording is the server's (pydantic's); the CLI's part is one "loc: msg" line per field error
        assertThat(tooMany.err().lines()).anyMatch(l -> l.matches("  query\\.limit: Input should be .*100"));
        assertThat(tooMany.hasStackTrace()).isFalse();
    }

    @Test
    void a_wrong_key_exits_1_with_the_401() {
        CliRun denied = CliRun.against(server.baseUri(), "not-a-key", "runs", "list");

        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err()).startsWith("exprun: 401");
    }

    @Test
    void a_url_without_scheme_is_a_one_line_usage_error_exit_2() {
        CliRun noScheme = CliRun.exprun("--url", "127.0.0.1:8080", "runs", "list");

        assertThat(noScheme.exit()).isEqualTo(2);
        assertThat(noScheme.out()).isEmpty();
        assertThat(noScheme.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("exprun: ")
                .contains("'127.0.0.1:8080'", "did you mean http://127.0.0.1:8080");
        assertThat(noScheme.hasStackTrace()).isFalse();
    }

    @Test
    void urls_that_are_not_http_are_rejected_too_and_given_after_the_command_as_well() {
        assertThat(CliRun.exprun("--url", "localhost:8080", "runs", "list").exit())
                .isEqualTo(2);
        assertThat(CliRun.exprun("--url", "ftp://example.org", "runs", "list").exit())
                .isEqualTo(2);
        assertThat(CliRun.exprun("runs", "list", "--url", "127.0.0.1:8080").exit())
                .isEqualTo(2);
    }

    @Test
    void an_unreachable_server_exits_3_and_the_message_names_the_url() throws IOException {
        URI closed = closedPort();

        CliRun refused = CliRun.against(closed, KEY_A, "runs", "get", "exprun_x");

        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("exprun: could not connect to " + closed)
                .contains("connection refused");
        assertThat(refused.hasStackTrace()).isFalse();
    }

    @Test
    void bad_usage_exits_2_on_one_line() {
        CliRun badStatus = exprun("runs", "list", "--status", "sideways");
        CliRun unknown = exprun("runs", "frobnicate");
        CliRun noCommand = exprun("runs");

        assertThat(badStatus.exit()).isEqualTo(2);
        assertThat(badStatus.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .contains("sideways", "exprun runs list --help");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err()).contains("list, get, create, cancel, results");
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "get", "create", "cancel", "results"})
    void every_subcommand_has_help(String command) {
        CliRun help = CliRun.exprun("runs", command, "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: exprun runs " + command).contains("--json", "--url", "Exit status:");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void the_root_help_documents_the_exit_statuses() {
        CliRun help = CliRun.exprun("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("0   done", "1   the API said no", "2   bad usage", "3   could not connect");
    }

    /** A loopback URL nobody listens on (the port was free a moment ago). */
    static URI closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }
}
