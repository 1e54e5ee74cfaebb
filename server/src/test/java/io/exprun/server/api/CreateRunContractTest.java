package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.testing.Http;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /runs: creating a run, its refusals, and the Idempotency-Key. Runs once per database: see
 * {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 */
abstract class CreateRunContractTest extends RunsApiContract {

    @Test
    void creating_a_run_returns_it_pending_with_its_documents() {
        Http.Answer answer = api.postJson(RUNS, "{\"experiment_id\":\"exp_demo\",\"workflow_id\":\"wf_demo\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.lifecycleStatus()).isEqualTo("pending");
        assertThat(answer.json().get("document_count").asInt()).isEqualTo(5);
        String id = answer.json().get("id").asText();
        assertThat(api.get(RUNS + "/" + id).json().get("timing"))
                .isEqualTo(answer.json().get("timing"));
        assertThat(api.get(RESULTS + "?run_id=" + id).json().get("data"))
                .hasSize(5)
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
    @ValueSource(
            strings = {
                "{\"experiment_id\":",
                "not json",
                "{\"experiment_id\":\"exp_demo\"} trailing",
                "[1,2,3]",
                "{\"experiment_id\":5}",
                "{\"experiment_id\":{\"a\":1}}"
            })
    void a_malformed_or_mistyped_body_returns_422_not_500(String body) {
        int before = countRuns();
        Http.Answer answer = api.postJson(RUNS, body);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("detail").get(0).get("loc").get(0).asText())
                .isEqualTo("body");
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
    void creating_a_run_without_a_body_or_with_a_non_json_body_returns_422() {
        Http.Answer empty = api.postJson(RUNS, "");
        Http.Answer text = api.send(api.builder(RUNS)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("experiment_id=exp_demo")));

        assertThat(empty.status()).isEqualTo(422);
        assertThat(text.status()).isEqualTo(422);
    }

    // ---- idempotent create -----------------------------------------------------------------------

    private Http.Answer createWithKey(String key, String body) {
        return api.send(api.builder(RUNS)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void a_create_repeated_with_its_idempotency_key_returns_the_same_answer_even_after_the_run_moved_on() {
        int before = countRuns();
        String key = "key-" + System.nanoTime();
        Http.Answer first = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}");
        assertThat(api.post(RUNS + "/" + first.json().get("id").asText() + "/cancel")
                        .status())
                .isEqualTo(200);

        Http.Answer again = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(countRuns()).isEqualTo(before + 1);
    }

    @Test
    void an_idempotency_key_reused_with_another_body_is_422_at_the_header_and_creates_nothing() {
        String key = "key-" + System.nanoTime();
        assertThat(createWithKey(key, "{\"experiment_id\":\"exp_demo\"}").status())
                .isEqualTo(200);
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
        String mine = createWithKey(key, "{\"experiment_id\":\"exp_demo\"}")
                .json()
                .get("id")
                .asText();
        String theirs = api.as(KEY_B)
                .send(api.as(KEY_B)
                        .builder(RUNS)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\":\"exp_demo\"}")))
                .json()
                .get("id")
                .asText();

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
}
