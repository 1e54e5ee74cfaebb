package io.exprun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The experiments operations (contract 0.2.0) against a scripted server: the 409 of a delete typed with the run it
 * names, a create retried under one Idempotency-Key, a delete retried after its first attempt went through, and the
 * lazy listing with its filters.
 */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
class ExprunClientExperimentsTest {

    private static final String EXPERIMENT_JSON = """
            {"id":"%s","workflow_id":"wf_demo","block_id":"blk_extract","block_type":"extract","n_consensus":3,
             "name":"Invoices, May","document_count":1,
             "documents":[{"handle_inputs":{"document":{"type":"file",
               "document":{"id":"doc_1","filename":"a.pdf","mime_type":"application/pdf"}}}}],
             "last_run_id":null,"created_at":"2026-05-18T09:00:00Z","updated_at":"2026-05-18T09:00:00Z"}""";

    private static final String ACTIVE_RUN_409 = """
            {"detail":{"code":"experiment_has_active_run",
             "message":"Experiment exp_1 has run exprun_9 still running: cancel it first",
             "details":{"experiment_id":"exp_1","run_id":"exprun_9","status":"running"}}}""";

    private static final String BUSY = "{\"detail\":{\"code\":\"unavailable\",\"message\":\"busy\"}}";

    private ScriptedServer server;
    private List<String> requests;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
        requests = server.requests();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ExprunClient client() {
        return ExprunClient.builder()
                .baseUrl(server.url())
                .apiKey("k1")
                .requestTimeout(Duration.ofMillis(500))
                .retries(3, Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
    }

    static String experiment(String id) {
        return EXPERIMENT_JSON.formatted(id);
    }

    private static String page(String after, String... ids) {
        StringBuilder data = new StringBuilder();
        for (String id : ids) {
            data.append(data.length() == 0 ? "" : ",").append(experiment(id));
        }
        return "{\"data\":[" + data + "],\"list_metadata\":{\"before\":null,\"after\":"
                + (after == null ? "null" : "\"" + after + "\"") + "}}";
    }

    private static CreateExperimentRequest request() {
        return new CreateExperimentRequest().workflowId("wf_demo").name("Invoices, May");
    }

    @Test
    void deleting_an_experiment_with_an_active_run_is_a_conflict_naming_the_run() {
        server.then(409, ACTIVE_RUN_409, null);

        assertThatThrownBy(() -> client().deleteExperiment("exp_1"))
                .isInstanceOfSatisfying(ExprunConflictException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.hasActiveRun()).isTrue();
                    assertThat(e.runId()).hasValue("exprun_9");
                    assertThat(e.runStatus()).hasValue("running");
                    assertThat(e.experimentId()).hasValue("exp_1");
                    assertThat(e.requestId()).hasValue("req-1");
                    assertThat(e.getMessage())
                            .startsWith("delete experiment failed: 409 experiment_has_active_run: Experiment exp_1");
                });
        // a conflict is an answer about the state, not "not now": never retried
        assertThat(requests).singleElement().asString().startsWith("DELETE /v1/workflows/experiments/exp_1 ");
    }

    @Test
    void a_missing_experiment_is_not_found_with_its_code() {
        server.then(
                404,
                "{\"detail\":{\"code\":\"experiment_not_found\",\"message\":\"Experiment exp_x not found\","
                        + "\"details\":{\"experiment_id\":\"exp_x\"}}}",
                null);

        assertThatThrownBy(() -> client().getExperiment("exp_x"))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("experiment_not_found");
                    assertThat(e.isNotCancellable()).isFalse();
                });
    }

    @Test
    void create_is_retried_after_a_timeout_or_503_with_one_idempotency_key() {
        server.thenSilence(); // the first attempt may have created it
        server.then(503, BUSY, null);
        server.then(200, experiment("exp_1"), null);

        WorkflowExperiment created = client().createExperiment(request());

        assertThat(created.getId()).isEqualTo("exp_1");
        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r).startsWith("POST /v1/workflows/experiments "));
        String key = requests.get(0).substring(requests.get(0).indexOf(" key=") + 5);
        assertThat(key).isNotBlank().isNotEqualTo("null");
        assertThat(requests).allSatisfy(r -> assertThat(r).endsWith(" key=" + key));
    }

    @Test
    void each_create_has_its_own_key_unless_the_caller_gives_one() {
        for (int i = 0; i < 3; i++) {
            server.then(200, experiment("exp_" + i), null);
        }

        client().createExperiment(request());
        client().createExperiment(request());
        client().createExperiment(request(), "my-key-1");

        assertThat(requests.get(0))
                .doesNotEndWith(requests.get(1).substring(requests.get(1).indexOf(" key=")));
        assertThat(requests.get(2)).endsWith(" key=my-key-1");
    }

    @Test
    void create_is_not_retried_after_a_500() {
        server.then(500, "{\"detail\":{\"code\":\"internal_error\",\"message\":\"oops\"}}", null);
        server.then(200, experiment("exp_1"), null);

        assertThatThrownBy(() -> client().createExperiment(request())).isInstanceOf(ExprunServerException.class);
        assertThat(requests).hasSize(1);
    }

    @Test
    void a_retried_delete_that_finds_the_experiment_gone_succeeds() {
        server.then(503, BUSY, null);
        server.then(
                404,
                "{\"detail\":{\"code\":\"experiment_not_found\",\"message\":\"Experiment exp_1 not found\","
                        + "\"details\":{\"experiment_id\":\"exp_1\"}}}",
                null);

        client().deleteExperiment("exp_1");

        assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("DELETE "));
    }

    @Test
    void a_delete_answered_204_returns_and_a_first_404_is_reported() {
        server.then(204, "", null);
        server.then(
                404,
                "{\"detail\":{\"code\":\"experiment_not_found\",\"message\":\"Experiment exp_2 not found\","
                        + "\"details\":{\"experiment_id\":\"exp_2\"}}}",
                null);

        client().deleteExperiment("exp_1");
        assertThatThrownBy(() -> client().deleteExperiment("exp_2"))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("experiment_not_found"));
    }

    @Test
    void update_sends_a_patch_and_is_retried_after_a_503() {
        server.then(503, BUSY, null);
        server.then(200, experiment("exp_1").replace("Invoices, May", "Invoices, June"), null);

        WorkflowExperiment changed =
                client().updateExperiment("exp_1", new UpdateExperimentRequest().name("Invoices, June"));

        assertThat(changed.getName()).isEqualTo("Invoices, June");
        assertThat(requests)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).startsWith("PATCH /v1/workflows/experiments/exp_1 "));
    }

    @Test
    void listing_follows_the_cursor_lazily_and_sends_the_filters() {
        server.then(200, page("exp_2", "exp_1", "exp_2"), null);
        server.then(200, page("exp_4", "exp_3", "exp_4"), null);
        server.then(200, page(null, "exp_5"), null);

        ExprunClient client = client();
        List<String> firstThree = client.experiments(ExperimentQuery.all()
                        .workflowId("wf_demo")
                        .blockId("blk_extract")
                        .pageSize(2))
                .limit(3)
                .map(WorkflowExperiment::getId)
                .toList();

        assertThat(firstThree).containsExactly("exp_1", "exp_2", "exp_3");
        assertThat(requests).hasSize(2); // the third page was never asked for
        assertThat(requests.get(0))
                .startsWith("GET /v1/workflows/experiments?")
                .contains("workflow_id=wf_demo", "block_id=blk_extract", "limit=2")
                .doesNotContain("after=");
        assertThat(requests.get(1)).contains("after=exp_2");

        List<String> all = client.experiments(ExperimentQuery.all())
                .map(WorkflowExperiment::getId)
                .toList();
        assertThat(all).containsExactly("exp_5"); // the script's last page, read once to its end
    }
}
