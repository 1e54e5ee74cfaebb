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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The experiments resource (contract 0.2.0): create, get, list, update, delete, per tenant, and runs of an experiment
 * made through the API. Runs once per database: see {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 * The server has no workers: a run stays pending until cancelled.
 */
abstract class ExperimentsContractTest extends RunsApiContract {

    static final String EXPERIMENTS = "/v1/workflows/experiments";

    /** A JSON array of explicit documents, each a PDF file input with a provenance. */
    static String documents(String... documentIds) {
        StringBuilder docs = new StringBuilder();
        for (String id : documentIds) {
            docs.append(docs.length() == 0 ? "" : ",")
                    .append("{\"handle_inputs\":{\"document\":{\"type\":\"file\",\"document\":{\"id\":\"")
                    .append(id)
                    .append("\",\"filename\":\"")
                    .append(id)
                    .append(".pdf\",\"mime_type\":\"application/pdf\"}}},\"provenance\":{\"source\":\"test\"}}");
        }
        return "[" + docs + "]";
    }

    static String body(String workflowId, String... documentIds) {
        return "{\"workflow_id\":\"" + workflowId + "\",\"name\":\"May\",\"documents\":" + documents(documentIds) + "}";
    }

    JsonNode create(String json) {
        Http.Answer a = api.postJson(EXPERIMENTS, json);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json();
    }

    Http.Answer send(String method, String path, String json) {
        return api.send(api.builder(path)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void a_created_experiment_reads_back_with_its_documents_as_given_and_no_run_yet() {
        JsonNode created = create(body("wf_1", "d1", "d2"));

        assertThat(created.get("id").asText()).startsWith("exp_");
        assertThat(created.get("block_type").asText()).isEqualTo("extract");
        assertThat(created.get("block_id").asText()).isEqualTo("blk_extract");
        assertThat(created.get("n_consensus").asInt()).isEqualTo(3);
        assertThat(created.get("document_count").asInt()).isEqualTo(2);
        assertThat(created.at("/documents/1/provenance/source").asText()).isEqualTo("test");
        assertThat(created.get("last_run_id").isNull()).isTrue();
        Http.Answer read = api.get(EXPERIMENTS + "/" + created.get("id").asText());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(created);
    }

    @Test
    void another_tenants_experiment_is_not_found_and_not_listed() {
        String id = create(body("wf_tenancy", "d1")).get("id").asText();
        Http other = api.as(KEY_B);

        assertThat(other.get(EXPERIMENTS + "/" + id).errorCode()).isEqualTo("experiment_not_found");
        assertThat(other.send(other.builder(EXPERIMENTS + "/" + id)
                                .header("Content-Type", "application/json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")))
                        .status())
                .isEqualTo(404);
        assertThat(other.send(other.builder(EXPERIMENTS + "/" + id).DELETE()).status())
                .isEqualTo(404);
        assertThat(other.get(EXPERIMENTS + "?workflow_id=wf_tenancy").json().get("data"))
                .isEmpty();
        assertThat(other.postJson(RUNS, "{\"experiment_id\":\"" + id + "\"}").errorCode())
                .isEqualTo("experiment_not_found");
    }

    @Test
    void each_tenant_has_the_catalogs_experiments_of_its_own() {
        assertThat(api.get(EXPERIMENTS + "/exp_demo")
                        .json()
                        .get("document_count")
                        .asInt())
                .isEqualTo(5);
        assertThat(api.as(KEY_B).get(EXPERIMENTS + "/exp_demo").status()).isEqualTo(200);
    }

    @Test
    void an_experiment_without_documents_is_a_draft_whose_runs_are_refused_until_it_has_some() {
        JsonNode draft = create("{\"workflow_id\":\"wf_draft\"}");
        String run = "{\"experiment_id\":\"" + draft.get("id").asText() + "\"}";

        Http.Answer refused = api.postJson(RUNS, run);
        send("PATCH", EXPERIMENTS + "/" + draft.get("id").asText(), "{\"documents\":" + documents("d1") + "}");

        assertThat(draft.get("document_count").asInt()).isZero();
        assertThat(draft.get("name").asText()).isEqualTo("Experiment of wf_draft");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"experiment_id\"]");
        assertThat(api.postJson(RUNS, run).status()).isEqualTo(200);
    }

    @Test
    void each_document_needs_a_file_and_the_spec_decides_the_rest() {
        Http.Answer noFile = api.postJson(
                EXPERIMENTS,
                "{\"workflow_id\":\"wf_1\",\"documents\":[{\"handle_inputs\":"
                        + "{\"data\":{\"type\":\"json\",\"data\":1}}}]}");
        Http.Answer badConsensus = api.postJson(
                EXPERIMENTS, body("wf_1", "d1").replace("{\"workflow_id\"", "{\"n_consensus\":4,\"workflow_id\""));
        Http.Answer noWorkflow = api.postJson(EXPERIMENTS, "{\"name\":\"x\"}");
        Http.Answer badBlockType = api.postJson(
                EXPERIMENTS,
                body("wf_1", "d1").replace("{\"workflow_id\"", "{\"block_type\":\"nope\",\"workflow_id\""));

        assertThat(noFile.status()).isEqualTo(422);
        assertThat(noFile.json().at("/detail/0/loc").toString())
                .isEqualTo("[\"body\",\"documents\",0,\"handle_inputs\"]");
        assertThat(badConsensus.status()).isEqualTo(422);
        assertThat(badConsensus.json().at("/detail/0/type").asText()).isEqualTo("enum");
        assertThat(badConsensus.json().at("/detail/0/msg").asText()).isEqualTo("Input should be one of [3, 5, 7]");
        assertThat(noWorkflow.status()).isEqualTo(422);
        assertThat(badBlockType.status()).isEqualTo(422);
    }

    @Test
    void a_source_experiment_and_captured_runs_give_their_documents() {
        JsonNode copy = create("{\"workflow_id\":\"wf_demo\",\"source_experiment_id\":\"exp_demo\",\"name\":\"Copy\"}");
        String run = api.postJson(RUNS, "{\"experiment_id\":\"exp_classify\"}")
                .json()
                .get("id")
                .asText();
        JsonNode captured =
                create("{\"workflow_id\":\"wf_triage\",\"document_captures\":[{\"run_id\":\"" + run + "\"}]}");

        assertThat(copy.get("document_count").asInt()).isEqualTo(5);
        assertThat(copy.get("block_id").asText()).isEqualTo("blk_extract");
        assertThat(copy.get("name").asText()).isEqualTo("Copy");
        assertThat(captured.get("document_count").asInt()).isEqualTo(3);
        assertThat(captured.at("/documents/0/handle_inputs/document/document/id")
                        .asText())
                .isEqualTo("doc_10");
        assertThat(api.postJson(EXPERIMENTS, "{\"workflow_id\":\"w\",\"source_experiment_id\":\"exp_nope\"}")
                        .errorCode())
                .isEqualTo("experiment_not_found");
        assertThat(api.postJson(EXPERIMENTS, "{\"workflow_id\":\"w\",\"document_captures\":[{\"run_id\":\"r0\"}]}")
                        .errorCode())
                .isEqualTo("run_not_found");
    }

    @Test
    void a_run_of_an_api_experiment_has_a_result_per_document_and_becomes_its_last_run() {
        String id = create(body("wf_run", "a", "b", "c")).get("id").asText();

        Http.Answer run = api.postJson(RUNS, "{\"experiment_id\":\"" + id + "\",\"workflow_id\":\"wf_run\"}");

        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("document_count").asInt()).isEqualTo(3);
        assertThat(resultStatuses(run.json().get("id").asText())).hasSize(3);
        assertThat(api.get(EXPERIMENTS + "/" + id).json().get("last_run_id").asText())
                .isEqualTo(run.json().get("id").asText());
    }

    @Test
    void an_update_changes_what_it_names_and_leaves_the_rest() {
        JsonNode created = create(body("wf_upd", "d1"));
        String id = created.get("id").asText();

        Http.Answer updated = send(
                "PATCH",
                EXPERIMENTS + "/" + id,
                "{\"name\":\"Final\",\"n_consensus\":5,\"documents\":" + documents("e1", "e2") + "}");

        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("name").asText()).isEqualTo("Final");
        assertThat(updated.json().get("n_consensus").asInt()).isEqualTo(5);
        assertThat(updated.json().get("document_count").asInt()).isEqualTo(2);
        assertThat(updated.json().get("workflow_id").asText()).isEqualTo("wf_upd");
        assertThat(updated.json().get("created_at")).isEqualTo(created.get("created_at"));
        assertThat(api.get(EXPERIMENTS + "/" + id).json()).isEqualTo(updated.json());
        assertThat(send("PATCH", EXPERIMENTS + "/exp_missing", "{\"name\":\"x\"}")
                        .errorCode())
                .isEqualTo("experiment_not_found");
    }

    @Test
    void deleting_an_experiment_with_an_active_run_is_409_naming_it_and_204_once_it_is_cancelled() {
        String id = create(body("wf_del", "d1")).get("id").asText();
        String run = api.postJson(RUNS, "{\"experiment_id\":\"" + id + "\"}")
                .json()
                .get("id")
                .asText();

        Http.Answer refused = api.send(api.builder(EXPERIMENTS + "/" + id).DELETE());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("experiment_has_active_run");
        assertThat(refused.json().at("/detail/details/run_id").asText()).isEqualTo(run);
        assertThat(refused.json().at("/detail/details/status").asText()).isEqualTo("pending");
        assertThat(api.get(EXPERIMENTS + "/" + id).status())
                .as("a refused delete deletes nothing")
                .isEqualTo(200);

        assertThat(api.post(RUNS + "/" + run + "/cancel").status()).isEqualTo(200);
        assertThat(api.send(api.builder(EXPERIMENTS + "/" + id).DELETE()).status())
                .isEqualTo(204);

        assertThat(api.get(EXPERIMENTS + "/" + id).errorCode()).isEqualTo("experiment_not_found");
        assertThat(api.get(RUNS + "/" + run).status())
                .as("its finished run stays")
                .isEqualTo(200);
        assertThat(api.postJson(RUNS, "{\"experiment_id\":\"" + id + "\"}").errorCode())
                .isEqualTo("experiment_not_found");
        assertThat(api.send(api.builder(EXPERIMENTS + "/" + id).DELETE()).status())
                .isEqualTo(404);
    }

    @Test
    void lists_page_by_cursor_in_both_orders_and_filter_by_workflow_and_block() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(create(body("wf_list", "d" + i)).get("id").asText());
        }
        List<String> oldestFirst = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = api.get(EXPERIMENTS + "?workflow_id=wf_list&order=asc&limit=2"
                            + (after == null ? "" : "&after=" + after))
                    .json();
            page.get("data").forEach(e -> oldestFirst.add(e.get("id").asText()));
            after = page.at("/list_metadata/after").isNull()
                    ? null
                    : page.at("/list_metadata/after").asText();
        } while (after != null);

        assertThat(oldestFirst).isEqualTo(made);
        JsonNode newest = api.get(EXPERIMENTS + "?workflow_id=wf_list&block_id=blk_extract&limit=1")
                .json();
        assertThat(newest.at("/data/0/id").asText()).isEqualTo(made.get(4));
        assertThat(api.get(EXPERIMENTS + "?workflow_id=wf_list&block_id=blk_other")
                        .json()
                        .get("data"))
                .isEmpty();
        assertThat(api.get(EXPERIMENTS + "?before=a&after=b").status()).isEqualTo(422);
    }

    @Test
    void concurrent_creates_with_one_idempotency_key_create_one_experiment() throws Exception {
        String key = "exp-key-" + System.nanoTime();
        String workflow = "wf_idem_" + System.nanoTime();
        String json = body(workflow, "d1");
        int callers = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return api.send(api.builder(EXPERIMENTS)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(json)));
            }));
        }
        go.countDown();
        Set<String> ids = new HashSet<>();
        for (Future<Http.Answer> f : answers) {
            Http.Answer a = f.get();
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            ids.add(a.json().get("id").asText());
        }
        pool.shutdown();

        assertThat(ids).hasSize(1);
        assertThat(api.get(EXPERIMENTS + "?workflow_id=" + workflow).json().get("data"))
                .hasSize(1);
        Http.Answer otherBody = api.send(api.builder(EXPERIMENTS)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body("wf_other", "d1"))));
        assertThat(otherBody.status()).isEqualTo(422);
    }
}
