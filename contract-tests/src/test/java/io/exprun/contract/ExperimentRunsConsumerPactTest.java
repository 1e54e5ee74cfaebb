package io.exprun.contract;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.DslPart;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.client.generated.ApiClient;
import io.exprun.client.generated.ApiException;
import io.exprun.client.generated.api.ExperimentResultsApi;
import io.exprun.client.generated.api.ExperimentRunsApi;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.CancelledWorkflowExperimentResult;
import io.exprun.client.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.client.generated.model.CompletedWorkflowExperimentResult;
import io.exprun.client.generated.model.CompletedWorkflowExperimentRun;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ErrorWorkflowExperimentResult;
import io.exprun.client.generated.model.ErrorWorkflowExperimentRun;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentResultList;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.ExperimentRunList;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.PendingWorkflowExperimentResult;
import io.exprun.client.generated.model.PendingWorkflowExperimentRun;
import io.exprun.client.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.client.generated.model.RunningWorkflowExperimentResult;
import io.exprun.client.generated.model.RunningWorkflowExperimentRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.util.Map;

import static au.com.dius.pact.consumer.dsl.LambdaDsl.newJsonBody;
import static io.exprun.contract.PactBodies.AUTH;
import static io.exprun.contract.PactBodies.EXAMPLE_RUN;
import static io.exprun.contract.PactBodies.errorEnvelope;
import static io.exprun.contract.PactBodies.notCancellable;
import static io.exprun.contract.PactBodies.result;
import static io.exprun.contract.PactBodies.run;
import static io.exprun.contract.PactBodies.status;
import static io.exprun.contract.PactBodies.timing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the generated client needs from the server, interaction by interaction, each with its own provider state.
 * Pacts go to target/pacts; {@code ExperimentRunsProviderIT} replays them against the real server.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "exprun-server")
class ExperimentRunsConsumerPactTest {

    static final String CONSUMER = "exprun-client";
    static final String PROVIDER = "exprun-server";
    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- get run in each lifecycle state ---------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getPendingRun(PactDslWithProvider p) {
        return getRun(p, "a pending run exists", "pending", run(false, false, status("pending")));
    }

    @Test
    @PactTestFor(pactMethod = "getPendingRun")
    void a_pending_run_decodes_to_the_pending_variant(MockServer server) throws Exception {
        ExperimentRun run = runs(server).getExperimentRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(PendingWorkflowExperimentRun.class);
        assertThat(run.getTiming().getStartedAt()).isNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getQueuedRun(PactDslWithProvider p) {
        return getRun(p, "a queued run exists", "queued", run(false, false, status("queued")));
    }

    @Test
    @PactTestFor(pactMethod = "getQueuedRun")
    void a_queued_run_decodes_to_the_queued_variant(MockServer server) throws Exception {
        assertThat(runs(server).getExperimentRun(EXAMPLE_RUN).getLifecycle().getActualInstance())
                .isInstanceOf(QueuedWorkflowExperimentRun.class);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getRunningRun(PactDslWithProvider p) {
        return getRun(p, "a running run exists", "running", run(true, false, status("running")));
    }

    @Test
    @PactTestFor(pactMethod = "getRunningRun")
    void a_running_run_decodes_to_the_running_variant(MockServer server) throws Exception {
        ExperimentRun run = runs(server).getExperimentRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(RunningWorkflowExperimentRun.class);
        assertThat(run.getTiming().getStartedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCompletedRun(PactDslWithProvider p) {
        return getRun(p, "a completed run exists", "completed", run(true, true, status("completed")));
    }

    @Test
    @PactTestFor(pactMethod = "getCompletedRun")
    void a_completed_run_decodes_to_the_completed_variant(MockServer server) throws Exception {
        ExperimentRun run = runs(server).getExperimentRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(CompletedWorkflowExperimentRun.class);
        assertThat(run.getTiming().getCompletedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getErrorRun(PactDslWithProvider p) {
        return getRun(p, "an error run exists", "error", run(true, true, l -> {
            l.stringValue("status", "error");
            l.stringType("message", "1 of 5 documents failed");
            l.object("details", d -> {
                d.stringType("message", "extraction timed out");
                d.stringType("stack_trace", "Traceback: simulated");
                d.stringType("block_id", "blk_extract");
                d.stringType("block_name", "Extract invoice fields");
                d.stringType("error_code", "timeout");
                d.object("context", c -> c.stringType("document_id", "doc_2"));
            });
        }));
    }

    @Test
    @PactTestFor(pactMethod = "getErrorRun")
    void an_error_run_decodes_with_its_message_and_details(MockServer server) throws Exception {
        ErrorWorkflowExperimentRun error = (ErrorWorkflowExperimentRun) runs(server).getExperimentRun(EXAMPLE_RUN)
                .getLifecycle().getActualInstance();
        assertThat(error.getMessage()).isEqualTo("1 of 5 documents failed");
        assertThat(error.getDetails().getErrorCode()).isEqualTo("timeout");
        assertThat(error.getDetails().getContext()).containsEntry("document_id", "doc_2");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCancelledRunWithReason(PactDslWithProvider p) {
        return getRun(p, "a cancelled run with a reason exists", "cancelled", run(true, true, l -> {
            l.stringValue("status", "cancelled");
            l.stringType("reason", "Cancelled by API request");
        }));
    }

    @Test
    @PactTestFor(pactMethod = "getCancelledRunWithReason")
    void a_cancelled_run_decodes_with_its_reason(MockServer server) throws Exception {
        CancelledWorkflowExperimentRun cancelled = (CancelledWorkflowExperimentRun) runs(server)
                .getExperimentRun(EXAMPLE_RUN).getLifecycle().getActualInstance();
        assertThat(cancelled.getReason()).isEqualTo("Cancelled by API request");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCancelledRunWithoutReason(PactDslWithProvider p) {
        return getRun(p, "a cancelled run without a reason exists", "cancelled", run(true, true, l -> {
            l.stringValue("status", "cancelled");
            l.nullValue("reason");
        }));
    }

    @Test
    @PactTestFor(pactMethod = "getCancelledRunWithoutReason")
    void a_cancelled_run_with_a_null_reason_decodes_to_the_cancelled_variant(MockServer server) throws Exception {
        CancelledWorkflowExperimentRun cancelled = (CancelledWorkflowExperimentRun) runs(server)
                .getExperimentRun(EXAMPLE_RUN).getLifecycle().getActualInstance();
        assertThat(cancelled.getReason()).isNull();
    }

    // ---- cancel ---------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelRunningRun(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.valueFromProviderState("id", "${runId}", EXAMPLE_RUN);
            o.object("lifecycle", l -> {
                l.stringValue("status", "cancelled");
                l.stringType("reason", "Cancelled by API request");
            });
            o.object("timing", t -> {
                timing(t, true, true);
                t.integerType("duration_ms", 1000);
            });
        }).build();
        return p.given("a running run exists")
                .uponReceiving("cancel a running run")
                .method("POST")
                .pathFromProviderState(RUNS + "/${runId}/cancel", RUNS + "/" + EXAMPLE_RUN + "/cancel")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelRunningRun")
    void cancelling_a_running_run_returns_the_cancelled_variant_with_its_reason(MockServer server) throws Exception {
        CancelWorkflowExperimentRunResponse response = runs(server).cancelExperimentRun(EXAMPLE_RUN);
        assertThat(response.getId()).isEqualTo(EXAMPLE_RUN);
        CancelledWorkflowExperimentRun cancelled = (CancelledWorkflowExperimentRun) response.getLifecycle().getActualInstance();
        assertThat(cancelled.getReason()).isEqualTo("Cancelled by API request");
        assertThat(response.getTiming().getCompletedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelMissingRun(PactDslWithProvider p) {
        return p.given("no run exprun_missing exists")
                .uponReceiving("cancel a run that does not exist")
                .method("POST")
                .path(RUNS + "/exprun_missing/cancel")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("run_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelMissingRun")
    void cancelling_a_missing_run_is_a_404_run_not_found(MockServer server) throws Exception {
        ApiException e = catchApi(() -> runs(server).cancelExperimentRun("exprun_missing"));
        assertThat(e.getCode()).isEqualTo(404);
        assertThat(detailCode(e)).isEqualTo("run_not_found");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelCompletedRun(PactDslWithProvider p) {
        return p.given("a completed run exists")
                .uponReceiving("cancel a run that already completed")
                .method("POST")
                .pathFromProviderState(RUNS + "/${runId}/cancel", RUNS + "/" + EXAMPLE_RUN + "/cancel")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(404)
                .body(notCancellable("completed"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelCompletedRun")
    void cancelling_a_completed_run_is_a_404_not_cancellable_naming_its_status(MockServer server) throws Exception {
        ApiException e = catchApi(() -> runs(server).cancelExperimentRun(EXAMPLE_RUN));
        assertThat(e.getCode()).isEqualTo(404);
        JsonNode detail = JSON.readTree(e.getResponseBody()).get("detail");
        assertThat(detail.get("code").asText()).isEqualTo("run_not_cancellable");
        assertThat(detail.at("/details/status").asText()).isEqualTo("completed");
    }


    // ---- list runs ------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listRunsFirstPage(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.minArrayLike("data", 1, 1, r -> {
                r.stringType("id", "exprun_newest");
                r.stringValue("experiment_id", "exp_demo");
                r.object("lifecycle", status("running"));
            });
            o.object("list_metadata", m -> {
                m.nullValue("before");
                m.stringType("after", "exprun_newest");
            });
        }).build();
        return p.given("two running runs exist")
                .uponReceiving("list the first page of running runs")
                .method("GET")
                .path(RUNS)
                .query("status=running&limit=1")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listRunsFirstPage")
    void a_page_with_more_after_it_carries_the_after_cursor(MockServer server) throws Exception {
        ExperimentRunList page = runs(server).listExperimentRuns(null, null, null, LifecycleStatus.RUNNING, null, null,
                null, null, null, null, null, 1, null);
        assertThat(page.getData()).hasSize(1);
        assertThat(page.getData().get(0).getLifecycle().getActualInstance()).isInstanceOf(RunningWorkflowExperimentRun.class);
        assertThat(page.getListMetadata().getAfter()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listRunsLastPage(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.minArrayLike("data", 1, 1, r -> {
                r.stringType("id", "exprun_example");
                r.object("lifecycle", status("completed"));
            });
            o.object("list_metadata", m -> {
                m.nullValue("before");
                m.nullValue("after");
            });
        }).build();
        return p.given("a completed run exists")
                .uponReceiving("list every completed run on one page")
                .method("GET")
                .path(RUNS)
                .query("status=completed&limit=100")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listRunsLastPage")
    void the_last_page_has_a_null_after_cursor(MockServer server) throws Exception {
        ExperimentRunList page = runs(server).listExperimentRuns(null, null, null, LifecycleStatus.COMPLETED, null,
                null, null, null, null, null, null, 100, null);
        assertThat(page.getData()).isNotEmpty();
        assertThat(page.getListMetadata().getAfter()).isNull();
        assertThat(page.getData().get(0).getLifecycle().getActualInstance()).isInstanceOf(CompletedWorkflowExperimentRun.class);
    }

    // ---- results --------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listResultsOfCancelledRun(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.array("data", data -> {
                data.object(r -> result(r, status("completed")));
                for (int i = 0; i < 4; i++) {
                    data.object(r -> result(r, l -> {
                        l.stringValue("status", "cancelled");
                        l.stringType("reason", "Cancelled by API request");
                    }));
                }
            });
            o.object("list_metadata", m -> {
                m.nullValue("before");
                m.nullValue("after");
            });
        }).build();
        return p.given("a cancelled run with a reason exists")
                .uponReceiving("list the results of a cancelled run")
                .method("GET")
                .path(RESULTS)
                .query("order=asc")
                .queryParameterFromProviderState("run_id", "${runId}", EXAMPLE_RUN)
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listResultsOfCancelledRun")
    void the_unfinished_results_of_a_cancelled_run_are_cancelled_with_its_reason(MockServer server) throws Exception {
        ExperimentResultList list = results(server).listExperimentResults(EXAMPLE_RUN, null, null, null, "asc");
        assertThat(list.getData()).hasSize(5);
        assertThat(list.getData().get(0).getLifecycle().getActualInstance()).isInstanceOf(CompletedWorkflowExperimentResult.class);
        assertThat(list.getData().subList(1, 5)).allSatisfy(r -> {
            assertThat(r.getLifecycle().getActualInstance()).isInstanceOf(CancelledWorkflowExperimentResult.class);
            assertThat(((CancelledWorkflowExperimentResult) r.getLifecycle().getActualInstance()).getReason())
                    .isEqualTo("Cancelled by API request");
        });
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listResultsOfRunningRun(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.array("data", data -> {
                data.object(r -> result(r, status("completed")));
                data.object(r -> result(r, status("running")));
                data.object(r -> result(r, status("pending")));
            });
            o.object("list_metadata", m -> {
                m.nullValue("before");
                m.stringType("after", "expres_example");
            });
        }).build();
        return p.given("a running run exists")
                .uponReceiving("list the first results of a running run")
                .method("GET")
                .path(RESULTS)
                .query("order=asc&limit=3")
                .queryParameterFromProviderState("run_id", "${runId}", EXAMPLE_RUN)
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listResultsOfRunningRun")
    void results_of_a_running_run_decode_to_completed_running_and_pending(MockServer server) throws Exception {
        ExperimentResultList list = results(server).listExperimentResults(EXAMPLE_RUN, null, null, 3, "asc");
        assertThat(list.getData()).extracting(r -> r.getLifecycle().getActualInstance().getClass().getSimpleName())
                .containsExactly("CompletedWorkflowExperimentResult", "RunningWorkflowExperimentResult",
                        "PendingWorkflowExperimentResult");
        assertThat(list.getListMetadata().getAfter()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getErrorResult(PactDslWithProvider p) {
        DslPart body = newJsonBody(r -> result(r, l -> {
            l.stringValue("status", "error");
            l.stringType("message", "extraction timed out");
            l.object("details", d -> d.stringType("error_code", "timeout"));
        })).build();
        return p.given("an error run exists")
                .uponReceiving("get the failed result of an error run")
                .method("GET")
                .pathFromProviderState(RESULTS + "/${failedResultId}", RESULTS + "/expres_example")
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getErrorResult")
    void a_failed_result_decodes_to_the_error_variant(MockServer server) throws Exception {
        ExperimentResult result = results(server).getExperimentResult("expres_example");
        ErrorWorkflowExperimentResult error = (ErrorWorkflowExperimentResult) result.getLifecycle().getActualInstance();
        assertThat(error.getMessage()).isEqualTo("extraction timed out");
        assertThat(error.getDetails().getErrorCode()).isEqualTo("timeout");
    }


    // ---- create ---------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createRun(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
            o.stringType("id", "exprun_new");
            o.stringValue("experiment_id", "exp_demo");
            o.stringValue("workflow_id", "wf_demo");
            o.stringValue("block_type", "extract");
            o.integerType("document_count", 5);
            o.object("lifecycle", status("pending"));
            o.object("timing", t -> timing(t, false, false));
        }).build();
        return p.given("experiment exp_demo exists")
                .uponReceiving("create a run of exp_demo")
                .method("POST")
                .path(RUNS)
                .headers(Map.of("Authorization", AUTH, "Content-Type", "application/json"))
                .body("{\"experiment_id\":\"exp_demo\"}")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRun")
    void creating_a_run_returns_it_pending(MockServer server) throws Exception {
        ExperimentRun run = runs(server).createExperimentRun(new CreateExperimentRunRequest().experimentId("exp_demo"), null);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(PendingWorkflowExperimentRun.class);
        assertThat(run.getDocumentCount()).isEqualTo(5);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createRunOfUnknownExperiment(PactDslWithProvider p) {
        return p.given("no experiment exp_unknown exists")
                .uponReceiving("create a run of an unknown experiment")
                .method("POST")
                .path(RUNS)
                .headers(Map.of("Authorization", AUTH, "Content-Type", "application/json"))
                .body("{\"experiment_id\":\"exp_unknown\"}")
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRunOfUnknownExperiment")
    void creating_a_run_of_an_unknown_experiment_is_a_404(MockServer server) throws Exception {
        ApiException e = catchApi(() -> runs(server).createExperimentRun(
                new CreateExperimentRunRequest().experimentId("exp_unknown"), null));
        assertThat(e.getCode()).isEqualTo(404);
        assertThat(detailCode(e)).isEqualTo("experiment_not_found");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createRunWithoutExperiment(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> o.minArrayLike("detail", 1, 1, e -> {
            e.array("loc", loc -> {
                loc.stringValue("body");
                loc.stringValue("experiment_id");
            });
            e.stringType("msg", "Field required");
            e.stringValue("type", "missing");
        })).build();
        return p.given("experiment exp_demo exists")
                .uponReceiving("create a run without experiment_id")
                .method("POST")
                .path(RUNS)
                .headers(Map.of("Authorization", AUTH, "Content-Type", "application/json"))
                .body("{\"workflow_id\":\"wf_demo\"}")
                .willRespondWith()
                .status(422)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRunWithoutExperiment")
    void creating_a_run_without_experiment_id_is_a_422_pointing_at_the_field(MockServer server) throws Exception {
        // the generated client refuses to send a request without its required field, so send the raw body
        ApiException e = catchApi(() -> {
            var response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.getUrl() + RUNS))
                            .header("Authorization", AUTH).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"workflow_id\":\"wf_demo\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            throw new ApiException(response.statusCode(), "", response.headers(), response.body());
        });
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(JSON.readTree(e.getResponseBody()).at("/detail/0/loc/1").asText()).isEqualTo("experiment_id");
    }

    // ---- auth -----------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getRunWithoutKey(PactDslWithProvider p) {
        return p.given("a running run exists")
                .uponReceiving("get a run without an API key")
                .method("GET")
                .pathFromProviderState(RUNS + "/${runId}", RUNS + "/" + EXAMPLE_RUN)
                .willRespondWith()
                .status(401)
                .headers(Map.of("WWW-Authenticate", "Bearer"))
                .body(errorEnvelope("unauthorized"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getRunWithoutKey")
    void a_request_without_a_key_is_a_401(MockServer server) throws Exception {
        ApiClient anonymous = apiClient(server, null);
        ApiException e = catchApi(() -> new ExperimentRunsApi(anonymous).getExperimentRun(EXAMPLE_RUN));
        assertThat(e.getCode()).isEqualTo(401);
        assertThat(detailCode(e)).isEqualTo("unauthorized");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static V4Pact getRun(PactDslWithProvider p, String state, String status, DslPart body) {
        return p.given(state)
                .uponReceiving("get a " + status + " run (" + state + ")")
                .method("GET")
                .pathFromProviderState(RUNS + "/${runId}", RUNS + "/" + EXAMPLE_RUN)
                .headers(Map.of("Authorization", AUTH))
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    static ApiClient apiClient(MockServer server, String authorization) {
        ApiClient client = new ApiClient();
        client.setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
        client.updateBaseUri(server.getUrl());
        if (authorization != null) {
            client.setRequestInterceptor(b -> b.header("Authorization", authorization));
        }
        return client;
    }

    private static ExperimentRunsApi runs(MockServer server) {
        return new ExperimentRunsApi(apiClient(server, AUTH));
    }

    private static ExperimentResultsApi results(MockServer server) {
        return new ExperimentResultsApi(apiClient(server, AUTH));
    }

    private interface ApiCall {
        void call() throws Exception;
    }

    private static ApiException catchApi(ApiCall call) {
        try {
            call.call();
        } catch (ApiException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an ApiException", e);
        }
        throw new AssertionError("expected an ApiException, the call succeeded");
    }

    private static String detailCode(ApiException e) throws Exception {
        return JSON.readTree(e.getResponseBody()).at("/detail/code").asText();
    }
}
