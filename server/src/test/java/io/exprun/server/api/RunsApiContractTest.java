package io.exprun.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.SimulatedBlockExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The experiment-runs API over real HTTP against a real database. Runs once per database: see
 * {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunsApiContractTest {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";

    private TestServer server;
    private Http api;
    private RunFixtures fx;

    /** A config on a database nobody else uses. */
    abstract ServerConfig freshConfig(int workers);

    @BeforeAll
    void start() {
        server = TestServer.start(freshConfig(0));
        api = new Http(server.baseUri(), KEY_A);
        fx = server.fixtures();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- cancel ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = LifecycleStatus.class, names = {"PENDING", "QUEUED", "RUNNING"})
    void cancelling_a_cancellable_run_returns_200_and_cancels_its_unfinished_results(LifecycleStatus state) {
        Run run = fx.runIn(TENANT_A, state);
        Map<String, String> before = resultStatuses(run.id());

        Http.Answer answer = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("id").asText()).isEqualTo(run.id());
        assertThat(body.at("/lifecycle/status").asText()).isEqualTo("cancelled");
        assertThat(body.at("/lifecycle/reason").asText()).isEqualTo("Cancelled by API request");
        assertThat(OffsetDateTime.parse(body.at("/timing/completed_at").asText()).getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("cancelled");
        Map<String, String> after = resultStatuses(run.id());
        before.forEach((id, was) -> assertThat(after.get(id))
                .as("result %s was %s", id, was)
                .isEqualTo(was.equals("completed") ? "completed" : "cancelled"));
    }

    @ParameterizedTest
    @EnumSource(value = LifecycleStatus.class, names = {"COMPLETED", "ERROR", "CANCELLED"})
    void cancelling_a_terminal_run_returns_404_not_cancellable_with_its_status(LifecycleStatus state) {
        Run run = fx.runIn(TENANT_A, state);
        String runBefore = api.get(RUNS + "/" + run.id()).body();

        Http.Answer answer = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_cancellable");
        assertThat(answer.json().at("/detail/details/status").asText()).isEqualTo(state.wire());
        assertThat(answer.json().at("/detail/message").asText()).contains(state.wire());
        assertThat(api.get(RUNS + "/" + run.id()).body()).isEqualTo(runBefore);
    }

    @Test
    void cancelling_twice_returns_404_not_cancellable_the_second_time() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);

        Http.Answer second = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(second.status()).isEqualTo(404);
        assertThat(second.errorCode()).isEqualTo("run_not_cancellable");
        assertThat(second.json().at("/detail/details/status").asText()).isEqualTo("cancelled");
    }

    @Test
    void cancelling_an_unknown_run_returns_404_not_found() {
        Http.Answer answer = api.post(RUNS + "/exprun_does_not_exist/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_found");
    }

    @Test
    void cancelling_another_tenants_run_returns_404_like_a_missing_run_and_changes_nothing() {
        Run theirs = fx.runIn(TENANT_B, LifecycleStatus.RUNNING);
        Http b = api.as(KEY_B);
        String before = b.get(RUNS + "/" + theirs.id()).body();

        Http.Answer answer = api.post(RUNS + "/" + theirs.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_found");
        assertThat(b.get(RUNS + "/" + theirs.id()).body()).isEqualTo(before);
        assertThat(api.get(RUNS + "/" + theirs.id()).errorCode()).isEqualTo("run_not_found");
        assertThat(api.get(RESULTS + "?run_id=" + theirs.id()).json().get("data")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no body", "no body, json content type", "empty json object"})
    void every_cancel_request_style_real_clients_send_is_accepted(String style) {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        HttpRequest.Builder request = api.builder(RUNS + "/" + run.id() + "/cancel");
        switch (style) {
            case "no body" -> request.POST(HttpRequest.BodyPublishers.noBody());
            case "no body, json content type" -> request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.noBody());
            default -> request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        }

        Http.Answer answer = api.send(request);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.lifecycleStatus()).isEqualTo("cancelled");
    }

    @Test
    void a_result_of_a_cancelled_run_carries_the_runs_reason() {
        Run run = fx.cancelledRun(TENANT_A, null);
        JsonNode results = api.get(RESULTS + "?run_id=" + run.id()).json().get("data");

        assertThat(results).hasSize(5);
        for (JsonNode r : results) {
            String status = r.at("/lifecycle/status").asText();
            assertThat(status).isIn("completed", "cancelled");
            if (status.equals("cancelled")) {
                assertThat(r.get("lifecycle").has("reason")).isTrue();
                assertThat(r.at("/lifecycle/reason").isNull()).isTrue();
            }
        }
        JsonNode lifecycle = api.get(RUNS + "/" + run.id()).json().get("lifecycle");
        assertThat(lifecycle.get("reason").isNull()).isTrue();
    }

    @Test
    void cancelling_a_run_with_thousands_of_pending_results_cancels_every_one_of_them() {
        Run run = fx.runWithPendingResults(TENANT_A, 2_500);

        assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);

        int seen = 0;
        String after = null;
        do {
            JsonNode page = api.get(RESULTS + "?run_id=" + run.id() + "&limit=100" + (after == null ? "" : "&after=" + after)).json();
            for (JsonNode r : page.get("data")) {
                assertThat(r.at("/lifecycle/status").asText()).isEqualTo("cancelled");
                assertThat(r.at("/lifecycle/reason").asText()).isEqualTo("Cancelled by API request");
                assertThat(r.at("/timing/completed_at").asText()).isNotEmpty();
                seen++;
            }
            after = page.at("/list_metadata/after").isNull() ? null : page.at("/list_metadata/after").asText();
        } while (after != null);
        assertThat(seen).isEqualTo(2_500);
    }

    // ---- auth -----------------------------------------------------------------------------------

    @Test
    void a_request_without_a_key_gets_401_with_a_bearer_challenge() {
        Http.Answer answer = api.as(null).get(RUNS);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(answer.errorCode()).isEqualTo("unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong-key", "test-key-a-but-longer", "Basic dGVzdDp0ZXN0"})
    void a_request_with_an_invalid_key_or_scheme_gets_401(String credentials) {
        Http.Answer answer = api.as(null).send(api.as(null).builder(RUNS)
                .header("Authorization", credentials.startsWith("Basic") ? credentials : "Bearer " + credentials).GET());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(answer.body()).doesNotContain(credentials);
    }

    @Test
    void cancel_without_a_key_gets_401_and_changes_nothing() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);

        assertThat(api.as(null).post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(401);
        assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("running");
    }

    // ---- get / create ---------------------------------------------------------------------------

    @Test
    void a_run_carries_every_field_the_clients_require() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        JsonNode body = api.get(RUNS + "/" + run.id()).json();

        for (String field : List.of("id", "workflow_id", "workflow_version_id", "trigger", "experiment_id", "block_id",
                "block_type", "n_consensus", "lifecycle", "timing", "block_execution_fingerprint", "documents_fingerprint")) {
            assertThat(body.hasNonNull(field)).as(field).isTrue();
        }
        assertThat(body.get("n_consensus").isInt()).isTrue();
        assertThat(body.get("n_consensus").asInt()).isEqualTo(3);
        assertThat(body.get("block_type").asText()).isEqualTo("extract");
        assertThat(body.at("/trigger/type").asText()).isEqualTo("api");
        assertThat(body.get("document_count").asInt()).isEqualTo(5);
        assertThat(body.get("completed_document_count").asInt()).isEqualTo(1);
        assertThat(body.at("/timing/created_at").asText()).endsWith("Z");
        assertThat(body.at("/timing/started_at").asText()).endsWith("Z");
    }

    @Test
    void an_error_run_carries_its_message_and_details() {
        Run run = fx.errorRun(TENANT_A, "1 of 5 documents failed", new ErrorInfo("timeout", "trace", "blk_extract",
                "Extract", "timeout", Map.of("document_id", "doc_1")));
        JsonNode lifecycle = api.get(RUNS + "/" + run.id()).json().get("lifecycle");

        assertThat(lifecycle.get("status").asText()).isEqualTo("error");
        assertThat(lifecycle.get("message").asText()).isEqualTo("1 of 5 documents failed");
        assertThat(lifecycle.at("/details/error_code").asText()).isEqualTo("timeout");
        assertThat(lifecycle.at("/details/stack_trace").asText()).isEqualTo("trace");
        assertThat(lifecycle.at("/details/context/document_id").asText()).isEqualTo("doc_1");
    }

    @Test
    void creating_a_run_returns_it_pending_with_its_documents() {
        Http.Answer answer = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\",\"workflow_id\":\"wf_demo\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.lifecycleStatus()).isEqualTo("pending");
        assertThat(answer.json().get("document_count").asInt()).isEqualTo(5);
        String id = answer.json().get("id").asText();
        assertThat(api.get(RUNS + "/" + id).json().get("timing")).isEqualTo(answer.json().get("timing"));
        assertThat(api.get(RESULTS + "?run_id=" + id).json().get("data")).hasSize(5)
                .allSatisfy(r -> assertThat(r.at("/lifecycle/status").asText()).isEqualTo("pending"));
    }

    @Test
    void creating_a_run_of_an_unknown_experiment_returns_404_experiment_not_found() {
        Http.Answer answer = api.postJson(RUNS, "{\"experiment_id\":\"exp_nope\"}");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("experiment_not_found");
    }

    @Test
    void creating_a_run_with_another_workflow_than_the_experiments_returns_404() {
        Http.Answer answer = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\",\"workflow_id\":\"wf_other\"}");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("experiment_not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"workflow_id\":\"wf_demo\"}"})
    void creating_a_run_without_experiment_id_returns_422_pointing_at_the_field(String body) {
        Http.Answer answer = api.postJson(RUNS, body);

        assertThat(answer.status()).isEqualTo(422);
        JsonNode error = answer.json().get("detail").get(0);
        assertThat(error.get("loc").toString()).isEqualTo("[\"body\",\"experiment_id\"]");
        assertThat(error.get("type").asText()).isEqualTo("missing");
    }

    @Test
    void creating_a_run_with_an_empty_experiment_id_returns_422_for_the_specs_min_length() {
        Http.Answer answer = api.postJson(RUNS, "{\"experiment_id\":\"\"}");

        assertThat(answer.status()).isEqualTo(422);
        JsonNode error = answer.json().get("detail").get(0);
        assertThat(error.get("loc").toString()).isEqualTo("[\"body\",\"experiment_id\"]");
        assertThat(error.get("type").asText()).isEqualTo("string_too_short");
        assertThat(error.at("/ctx/min_length").asInt()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"experiment_id\":", "not json", "{\"experiment_id\":\"exp_demo\"} trailing",
            "[1,2,3]", "{\"experiment_id\":5}", "{\"experiment_id\":{\"a\":1}}"})
    void a_malformed_or_mistyped_body_returns_422_not_500(String body) {
        int before = countRuns();
        Http.Answer answer = api.postJson(RUNS, body);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("detail").get(0).get("loc").get(0).asText()).isEqualTo("body");
        assertThat(answer.body()).doesNotContain("at io.", "Exception");
        assertThat(countRuns()).isEqualTo(before);
    }

    @Test
    void an_oversized_or_deeply_nested_body_returns_422_too_long() {
        Http.Answer huge = api.postJson(RUNS, "{\"experiment_id\":\"" + "x".repeat(1_200_000) + "\"}");
        Http.Answer deep = api.postJson(RUNS, "{\"a\":".repeat(500) + "1" + "}".repeat(500));

        assertThat(huge.status()).isEqualTo(422);
        assertThat(huge.json().at("/detail/0/type").asText()).isEqualTo("too_long");
        assertThat(huge.body().length()).isLessThan(1_000);
        assertThat(deep.status()).isEqualTo(422);
        assertThat(deep.json().at("/detail/0/type").asText()).isEqualTo("too_long");
    }

    @Test
    void a_uri_with_broken_percent_encoding_gets_404_or_422_in_the_contracts_shape_not_500() {
        Http.Answer path = api.raw("POST", RUNS + "/%ZZ/cancel");
        Http.Answer query = api.raw("GET", RUNS + "?status=%Zx");

        assertThat(path.status()).isEqualTo(404);
        assertThat(path.errorCode()).isEqualTo("not_found");
        assertThat(query.status()).isEqualTo(422);
        assertThat(query.json().at("/detail/0/loc/0").asText()).isEqualTo("query");
    }

    @Test
    void a_ten_kilobyte_run_id_exceeds_the_request_line_limit_and_is_a_400_that_does_not_echo_it_whole() {
        Http.Answer answer = api.post(RUNS + "/" + "r".repeat(10_000) + "/cancel");

        // Grizzly's codec refuses a request line beyond its 8 KB header limit before any handler runs (and gives it
        // the JSON envelope, see CodecErrorBodies): a 400, never the run id echoed back
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().has("detail")).isTrue();
        assertThat(answer.body()).doesNotContain("rrrrrrrrrr");
        assertThat(answer.body().length()).isLessThan(1_000);
    }

    @Test
    void creating_a_run_without_a_body_or_with_a_non_json_body_returns_422() {
        Http.Answer empty = api.postJson(RUNS, "");
        Http.Answer text = api.send(api.builder(RUNS).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("experiment_id=exp_demo")));

        assertThat(empty.status()).isEqualTo(422);
        assertThat(text.status()).isEqualTo(422);
    }

    // ---- results --------------------------------------------------------------------------------

    @Test
    void a_result_can_be_read_by_id_and_carries_its_document() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.COMPLETED);
        JsonNode listed = api.get(RESULTS + "?run_id=" + run.id() + "&order=asc").json().get("data").get(0);

        JsonNode result = api.get(RESULTS + "/" + listed.get("id").asText()).json();

        assertThat(result).isEqualTo(listed);
        assertThat(result.get("experiment_run_id").asText()).isEqualTo(run.id());
        assertThat(result.get("document_id").asText()).isEqualTo("doc_1");
        assertThat(result.at("/handle_inputs/document/document/filename").asText()).isEqualTo("invoice-001.pdf");
        assertThat(result.at("/handle_outputs/data/type").asText()).isEqualTo("json");
        assertThat(result.at("/artifact/operation").asText()).isEqualTo("extraction");
        assertThat(result.at("/lifecycle/status").asText()).isEqualTo("completed");
    }

    @Test
    void an_unknown_or_foreign_result_returns_404_result_not_found() {
        Run theirs = fx.runIn(TENANT_B, LifecycleStatus.COMPLETED);
        String theirResult = api.as(KEY_B).get(RESULTS + "?run_id=" + theirs.id()).json().at("/data/0/id").asText();

        assertThat(api.get(RESULTS + "/expres_nope").errorCode()).isEqualTo("result_not_found");
        assertThat(api.get(RESULTS + "/" + theirResult).errorCode()).isEqualTo("result_not_found");
    }

    @Test
    void listing_results_without_run_id_returns_422() {
        Http.Answer answer = api.get(RESULTS);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"run_id\"]");
    }

    // ---- bad input ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=abc", "order=sideways", "status=bogus",
            "exclude_status=CANCELLED", "from_date=2026-13-01", "to_date=yesterday", "sort_by=name",
            "before=a&after=b", "from_date=2026-05-02&to_date=2026-05-01"})
    void bad_query_values_return_422_naming_the_parameter(String query) {
        Http.Answer answer = api.get(RUNS + "?" + query);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc/0").asText()).isEqualTo("query");
        JsonNode parameter = answer.json().at("/detail/0/loc/1");
        assertThat(parameter.isTextual()).as("loc[1] names the parameter: %s", answer.body()).isTrue();
        assertThat(query).contains(parameter.asText() + "=");
    }

    @Test
    void an_unknown_path_returns_404_and_a_wrong_method_405_in_the_error_envelope() {
        Http.Answer unknown = api.get("/v1/workflows/experiments/nothing-here");
        Http.Answer wrongMethod = api.send(api.builder(RUNS + "/exprun_1").DELETE());

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo("method_not_allowed");
    }

    // ---- listing --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"desc", "asc"})
    void paging_forward_visits_every_run_exactly_once_in_order(String order) {
        try (TestServer s = TestServer.start(freshConfig(0))) {
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 47; i++) {
                created.add(s.fixtures().runIn(TENANT_A, LifecycleStatus.PENDING).id());
            }
            s.fixtures().runIn(TENANT_B, LifecycleStatus.PENDING);
            Http a = new Http(s.baseUri(), KEY_A);

            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                JsonNode page = a.get(RUNS + "?limit=10&order=" + order + (after == null ? "" : "&after=" + after)).json();
                page.get("data").forEach(r -> seen.add(r.get("id").asText()));
                assertThat(page.get("list_metadata").has("before")).isTrue();
                after = page.at("/list_metadata/after").isNull() ? null : page.at("/list_metadata/after").asText();
                pages++;
            } while (after != null);

            assertThat(pages).isEqualTo(5);
            assertThat(seen).hasSize(47).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
            List<String> expected = new ArrayList<>(sortedByCreation(a, created));
            if (order.equals("desc")) {
                java.util.Collections.reverse(expected);
            }
            assertThat(seen).containsExactlyElementsOf(expected);

            // and back: `before` of a page returns the page just before it
            JsonNode second = a.get(RUNS + "?limit=10&order=" + order + "&after=" + seen.get(9)).json();
            String back = second.at("/list_metadata/before").asText();
            JsonNode first = a.get(RUNS + "?limit=10&order=" + order + "&before=" + back).json();
            List<String> firstIds = new ArrayList<>();
            first.get("data").forEach(r -> firstIds.add(r.get("id").asText()));
            assertThat(firstIds).containsExactlyElementsOf(seen.subList(0, 10));
            assertThat(first.at("/list_metadata/before").isNull()).isTrue();
        }
    }

    @Test
    void every_filter_narrows_the_listing() {
        try (TestServer s = TestServer.start(freshConfig(0))) {
            RunFixtures f = s.fixtures();
            Run pending = f.runIn(TENANT_A, LifecycleStatus.PENDING);
            Run completed = f.runIn(TENANT_A, LifecycleStatus.COMPLETED);
            Run cancelled = f.runIn(TENANT_A, LifecycleStatus.CANCELLED);
            Run other = s.server().runService().create(TENANT_A, "exp_classify", null, "api");
            Http a = new Http(s.baseUri(), KEY_A);
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

            assertThat(ids(a, "workflow_id=wf_triage")).containsExactly(other.id());
            assertThat(ids(a, "experiment_id=exp_demo")).containsExactlyInAnyOrder(pending.id(), completed.id(), cancelled.id());
            assertThat(ids(a, "block_id=blk_classify")).containsExactly(other.id());
            assertThat(ids(a, "status=completed")).containsExactly(completed.id());
            assertThat(ids(a, "exclude_status=pending")).containsExactlyInAnyOrder(completed.id(), cancelled.id());
            assertThat(ids(a, "trigger_type=api")).hasSize(4);
            assertThat(ids(a, "trigger_type=schedule")).isEmpty();
            assertThat(ids(a, "from_date=" + today + "&to_date=" + today)).hasSize(4);
            assertThat(ids(a, "from_date=" + tomorrow)).isEmpty();
            assertThat(ids(a, "to_date=2020-01-01")).isEmpty();
            assertThat(ids(a, "experiment_id=exp_demo&status=cancelled")).containsExactly(cancelled.id());
        }
    }

    // ---- execution ------------------------------------------------------------------------------

    @Test
    void a_created_run_progresses_to_completed() {
        try (TestServer s = TestServer.start(freshConfig(2))) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}").json().get("id").asText();

            JsonNode run = await().atMost(Duration.ofSeconds(20)).until(() -> a.get(RUNS + "/" + id).json(),
                    r -> r.at("/lifecycle/status").asText().equals("completed"));

            assertThat(run.get("completed_document_count").asInt()).isEqualTo(5);
            assertThat(run.get("error_count").asInt()).isZero();
            assertThat(run.at("/timing/duration_ms").asLong()).isPositive();
            assertThat(a.get(RESULTS + "?run_id=" + id).json().get("data"))
                    .allSatisfy(r -> assertThat(r.at("/lifecycle/status").asText()).isEqualTo("completed"));
        }
    }

    @Test
    void a_run_whose_block_fails_ends_in_error_with_message_and_details() {
        BlockExecutor failsOnDoc3 = (run, result, stillWanted) -> result.document().id().equals("doc_3")
                ? new BlockExecutor.Outcome.Failed("model refused the document",
                new ErrorInfo("model refused the document", null, run.blockId(), "Extract", "refused", Map.of()))
                : new SimulatedBlockExecutor(5, 0).execute(run, result, stillWanted);
        try (TestServer s = TestServer.start(freshConfig(1), failsOnDoc3, List.of())) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}").json().get("id").asText();

            JsonNode run = await().atMost(Duration.ofSeconds(20)).until(() -> a.get(RUNS + "/" + id).json(),
                    r -> r.at("/lifecycle/status").asText().equals("error"));

            assertThat(run.at("/lifecycle/message").asText()).isEqualTo("1 of 5 documents failed");
            assertThat(run.at("/lifecycle/details/error_code").asText()).isEqualTo("refused");
            assertThat(run.get("error_count").asInt()).isEqualTo(1);
            assertThat(run.get("completed_document_count").asInt()).isEqualTo(4);
            JsonNode failed = a.get(RESULTS + "?run_id=" + id + "&order=asc").json().at("/data/2");
            assertThat(failed.at("/lifecycle/status").asText()).isEqualTo("error");
            assertThat(failed.at("/lifecycle/message").asText()).isEqualTo("model refused the document");
        }
    }

    @Test
    void cancelling_a_run_mid_document_stops_its_worker_promptly() {
        try (TestServer s = TestServer.start(freshConfig(1).withSimulation(60_000, 0))) {
            Http a = new Http(s.baseUri(), KEY_A);
            String id = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> resultStatuses(a, id), m -> m.containsValue("running"));

            assertThat(a.post(RUNS + "/" + id + "/cancel").status()).isEqualTo(200);

            // the one worker is free again well before the 60 s document would have finished
            String next = a.postJson(RUNS, "{\"experiment_id\":\"exp_demo\"}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> a.get(RUNS + "/" + next).lifecycleStatus(), "running"::equals);
            assertThat(resultStatuses(a, id).values()).containsOnly("cancelled");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Map<String, String> resultStatuses(String runId) {
        return resultStatuses(api, runId);
    }

    static Map<String, String> resultStatuses(Http http, String runId) {
        Map<String, String> statuses = new HashMap<>();
        http.get(RESULTS + "?run_id=" + runId).json().get("data")
                .forEach(r -> statuses.put(r.get("id").asText(), r.at("/lifecycle/status").asText()));
        return statuses;
    }

    // ---- idempotent create -----------------------------------------------------------------------

    private Http.Answer createWithKey(String key, String body) {
        return api.send(api.builder(RUNS).header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void a_create_repeated_with_its_idempotency_key_returns_the_same_answer_even_after_the_run_moved_on() {
        int before = countRuns();
        String key = "key-" + System.nanoTime();
        Http.Answer first = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}");
        assertThat(api.post(RUNS + "/" + first.json().get("id").asText() + "/cancel").status()).isEqualTo(200);

        Http.Answer again = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(countRuns()).isEqualTo(before + 1);
    }

    @Test
    void an_idempotency_key_reused_with_another_body_is_422_at_the_header_and_creates_nothing() {
        String key = "key-" + System.nanoTime();
        assertThat(createWithKey(key, "{\"experiment_id\":\"exp_demo\"}").status()).isEqualTo(200);
        int before = countRuns();

        Http.Answer other = createWithKey(key, "{\"experiment_id\":\"exp_classify\"}");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().at("/detail/0/loc").toString()).isEqualTo("[\"header\",\"Idempotency-Key\"]");
        assertThat(other.json().at("/detail/0/type").asText()).isEqualTo("idempotency_key_reused");
        assertThat(countRuns()).isEqualTo(before);
    }

    @Test
    void the_same_idempotency_key_in_another_tenant_is_another_run() {
        String key = "key-" + System.nanoTime();
        String mine = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}").json().get("id").asText();
        String theirs = api.as(KEY_B).send(api.as(KEY_B).builder(RUNS).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\":\"exp_demo\"}")))
                .json().get("id").asText();

        assertThat(theirs).isNotEqualTo(mine);
    }

    @Test
    void an_idempotency_key_over_255_characters_is_422_by_the_spec() {
        Http.Answer answer = createWithKey("k".repeat(256), "{\"experiment_id\":\"exp_demo\"}");

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc").toString()).isEqualTo("[\"header\",\"Idempotency-Key\"]");
    }

    @Test
    void concurrent_creates_with_one_idempotency_key_create_one_run() throws Exception {
        int before = countRuns();
        String key = "key-" + System.nanoTime();
        int callers = 16;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        List<java.util.concurrent.Future<Http.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return createWithKey(key, "{\"experiment_id\":\"exp_demo\"}");
            }));
        }
        go.countDown();
        Set<String> bodies = new HashSet<>();
        for (var f : answers) {
            Http.Answer a = f.get();
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            bodies.add(a.body());
        }
        pool.shutdown();

        assertThat(bodies).hasSize(1);
        assertThat(countRuns()).isEqualTo(before + 1);
    }

    private int countRuns() {
        int n = 0;
        String after = null;
        do {
            JsonNode page = api.get(RUNS + "?limit=100" + (after == null ? "" : "&after=" + after)).json();
            n += page.get("data").size();
            after = page.at("/list_metadata/after").isNull() ? null : page.at("/list_metadata/after").asText();
        } while (after != null);
        return n;
    }

    private static List<String> ids(Http http, String query) {
        List<String> ids = new ArrayList<>();
        http.get(RUNS + "?limit=100&" + query).json().get("data").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private static List<String> sortedByCreation(Http http, List<String> ids) {
        Map<String, String> createdAt = new HashMap<>();
        for (String id : ids) {
            createdAt.put(id, http.get(RUNS + "/" + id).json().at("/timing/created_at").asText());
        }
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort((x, y) -> {
            int byTime = OffsetDateTime.parse(createdAt.get(x)).compareTo(OffsetDateTime.parse(createdAt.get(y)));
            return byTime != 0 ? byTime : x.compareTo(y);
        });
        Set<String> unique = new HashSet<>(sorted);
        assertThat(unique).hasSize(ids.size());
        return sorted;
    }
}
