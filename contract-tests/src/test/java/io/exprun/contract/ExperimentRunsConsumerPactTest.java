package io.exprun.contract;

import static au.com.dius.pact.consumer.dsl.LambdaDsl.newJsonBody;
import static io.exprun.contract.PactBodies.EXAMPLE_RUN;
import static io.exprun.contract.PactBodies.errorEnvelope;
import static io.exprun.contract.PactBodies.notCancellable;
import static io.exprun.contract.PactBodies.result;
import static io.exprun.contract.PactBodies.run;
import static io.exprun.contract.PactBodies.status;
import static io.exprun.contract.PactBodies.timing;
import static io.exprun.contract.PactOperations.cancelRun;
import static io.exprun.contract.PactOperations.client;
import static io.exprun.contract.PactOperations.getResult;
import static io.exprun.contract.PactOperations.getRun;
import static io.exprun.contract.PactOperations.getRunWithoutAKey;
import static io.exprun.contract.PactOperations.given;
import static io.exprun.contract.PactOperations.listResultsOfTheStatesRun;
import static io.exprun.contract.PactOperations.listRuns;
import static io.exprun.contract.PactOperations.thenGiven;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.DslPart;
import au.com.dius.pact.consumer.dsl.PactDslResponse;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import io.exprun.client.CancelledRun;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunUnauthorizedException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
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
import io.exprun.client.generated.model.PendingWorkflowExperimentRun;
import io.exprun.client.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.client.generated.model.RunningWorkflowExperimentRun;
import io.exprun.contract.PactOperations.PathId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the client other services depend on ({@code ExprunClient}: typed errors and their codes, the retried cancel,
 * {@code createRun}'s {@code Idempotency-Key}, the lifecycle unions) needs from the server, interaction by
 * interaction, each with its own provider state; every lifecycle variant of a run and of a result, and a status the
 * client does not know, appear. Pacts go to target/pacts; {@code ProviderVerificationIT} replays them against the real
 * server. (The generated API stays reachable through {@code ExprunClient.runsApi()}; it is not what these pin.)
 * Long on purpose: each interaction, its request stated through {@link PactOperations} (one method per operation),
 * stands next to the test that drives it. The experiments' interactions are {@link ExperimentsConsumerPactTest}'s,
 * merged into the same pact file.
 */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "exprun-server")
class ExperimentRunsConsumerPactTest {

    static final String CONSUMER = "exprun-client";
    static final String PROVIDER = "exprun-server";

    /** The run each run state makes ({@code ${runId}}), and an id no state makes. */
    private static final PathId RUN_OF_STATE = PathId.fromState("runId", EXAMPLE_RUN);

    private static final PathId MISSING_RUN = PathId.fixed("exprun_missing");
    private static final PathId FAILED_RESULT = PathId.fromState("failedResultId", "expres_example");
    private static final String IDEMPOTENCY_KEY = "order-4711";

    // ---- get run in each lifecycle state ---------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getPendingRun(PactDslWithProvider p) {
        return getRunIn(p, "a pending run exists", "pending", run(false, false, status("pending")));
    }

    @Test
    @PactTestFor(pactMethod = "getPendingRun")
    void a_pending_run_decodes_to_the_pending_variant(MockServer server) throws Exception {
        ExperimentRun run = client(server).getRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(PendingWorkflowExperimentRun.class);
        assertThat(run.getTiming().getStartedAt()).isNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getQueuedRun(PactDslWithProvider p) {
        return getRunIn(p, "a queued run exists", "queued", run(false, false, status("queued")));
    }

    @Test
    @PactTestFor(pactMethod = "getQueuedRun")
    void a_queued_run_decodes_to_the_queued_variant(MockServer server) throws Exception {
        assertThat(client(server).getRun(EXAMPLE_RUN).getLifecycle().getActualInstance())
                .isInstanceOf(QueuedWorkflowExperimentRun.class);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getRunningRun(PactDslWithProvider p) {
        return getRunIn(p, "a running run exists", "running", run(true, false, status("running")));
    }

    @Test
    @PactTestFor(pactMethod = "getRunningRun")
    void a_running_run_decodes_to_the_running_variant(MockServer server) throws Exception {
        ExperimentRun run = client(server).getRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(RunningWorkflowExperimentRun.class);
        assertThat(run.getTiming().getStartedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCompletedRun(PactDslWithProvider p) {
        return getRunIn(p, "a completed run exists", "completed", run(true, true, status("completed")));
    }

    @Test
    @PactTestFor(pactMethod = "getCompletedRun")
    void a_completed_run_decodes_to_the_completed_variant(MockServer server) throws Exception {
        ExperimentRun run = client(server).getRun(EXAMPLE_RUN);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(CompletedWorkflowExperimentRun.class);
        assertThat(run.getTiming().getCompletedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getErrorRun(PactDslWithProvider p) {
        return getRunIn(p, "an error run exists", "error", run(true, true, l -> {
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
        ErrorWorkflowExperimentRun error = (ErrorWorkflowExperimentRun)
                client(server).getRun(EXAMPLE_RUN).getLifecycle().getActualInstance();
        assertThat(error.getMessage()).isEqualTo("1 of 5 documents failed");
        assertThat(error.getDetails().getErrorCode()).isEqualTo("timeout");
        assertThat(error.getDetails().getContext()).containsEntry("document_id", "doc_2");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCancelledRunWithReason(PactDslWithProvider p) {
        return getRunIn(p, "a cancelled run with a reason exists", "cancelled", run(true, true, l -> {
            l.stringValue("status", "cancelled");
            l.stringType("reason", "Cancelled by API request");
        }));
    }

    @Test
    @PactTestFor(pactMethod = "getCancelledRunWithReason")
    void a_cancelled_run_decodes_with_its_reason(MockServer server) throws Exception {
        CancelledWorkflowExperimentRun cancelled = (CancelledWorkflowExperimentRun)
                client(server).getRun(EXAMPLE_RUN).getLifecycle().getActualInstance();
        assertThat(cancelled.getReason()).isEqualTo("Cancelled by API request");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getCancelledRunWithoutReason(PactDslWithProvider p) {
        return getRunIn(p, "a cancelled run without a reason exists", "cancelled", run(true, true, l -> {
            l.stringValue("status", "cancelled");
            l.nullValue("reason");
        }));
    }

    @Test
    @PactTestFor(pactMethod = "getCancelledRunWithoutReason")
    void a_cancelled_run_with_a_null_reason_decodes_to_the_cancelled_variant(MockServer server) throws Exception {
        CancelledWorkflowExperimentRun cancelled = (CancelledWorkflowExperimentRun)
                client(server).getRun(EXAMPLE_RUN).getLifecycle().getActualInstance();
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
                })
                .build();
        return cancelRun(given(p, "a running run exists"), "cancel a running run", RUN_OF_STATE)
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelRunningRun")
    void cancelling_a_running_run_returns_the_cancelled_variant_with_its_reason(MockServer server) throws Exception {
        CancelledRun cancelled = client(server).cancel(EXAMPLE_RUN);
        assertThat(cancelled.runId()).isEqualTo(EXAMPLE_RUN);
        assertThat(cancelled.lifecycle().reason()).isEqualTo("Cancelled by API request");
        assertThat(cancelled.timing().getCompletedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelMissingRun(PactDslWithProvider p) {
        return cancelRun(given(p, "no run exprun_missing exists"), "cancel a run that does not exist", MISSING_RUN)
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("run_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelMissingRun")
    void cancelling_a_missing_run_is_a_404_run_not_found(MockServer server) throws Exception {
        assertThatThrownBy(() -> client(server).cancel("exprun_missing"))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("run_not_found");
                    assertThat(e.isNotCancellable()).isFalse();
                });
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelCompletedRun(PactDslWithProvider p) {
        return cancelRun(given(p, "a completed run exists"), "cancel a run that already completed", RUN_OF_STATE)
                .willRespondWith()
                .status(404)
                .body(notCancellable("completed"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelCompletedRun")
    void cancelling_a_completed_run_is_a_404_not_cancellable_naming_its_status(MockServer server) throws Exception {
        assertThatThrownBy(() -> client(server).cancel(EXAMPLE_RUN))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.isNotCancellable()).isTrue();
                    assertThat(e.currentStatus()).hasValue("completed");
                });
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
                })
                .build();
        return listRuns(
                        given(p, "two running runs exist"),
                        "list the first page of running runs",
                        "status=running&limit=1")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listRunsFirstPage")
    void a_page_with_more_after_it_carries_the_after_cursor(MockServer server) throws Exception {
        ExperimentRunList page = client(server)
                .listRuns(RunQuery.all().status(LifecycleStatus.RUNNING).pageSize(1), null);
        assertThat(page.getData()).hasSize(1);
        assertThat(page.getData().get(0).getLifecycle().getActualInstance())
                .isInstanceOf(RunningWorkflowExperimentRun.class);
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
                })
                .build();
        return listRuns(
                        given(p, "a completed run exists"),
                        "list every completed run on one page",
                        "status=completed&limit=100")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listRunsLastPage")
    void the_last_page_has_a_null_after_cursor(MockServer server) throws Exception {
        ExperimentRunList page = client(server)
                .listRuns(RunQuery.all().status(LifecycleStatus.COMPLETED).pageSize(100), null);
        assertThat(page.getData()).isNotEmpty();
        assertThat(page.getListMetadata().getAfter()).isNull();
        assertThat(page.getData().get(0).getLifecycle().getActualInstance())
                .isInstanceOf(CompletedWorkflowExperimentRun.class);
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
                })
                .build();
        return listResultsOfTheStatesRun(
                        given(p, "a cancelled run with a reason exists"),
                        "list the results of a cancelled run",
                        "order=asc")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listResultsOfCancelledRun")
    void the_unfinished_results_of_a_cancelled_run_are_cancelled_with_its_reason(MockServer server) throws Exception {
        ExperimentResultList list = client(server).listResults(EXAMPLE_RUN, null, null);
        assertThat(list.getData()).hasSize(5);
        assertThat(list.getData().get(0).getLifecycle().getActualInstance())
                .isInstanceOf(CompletedWorkflowExperimentResult.class);
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
                })
                .build();
        return listResultsOfTheStatesRun(
                        given(p, "a running run exists"),
                        "list the first results of a running run",
                        "order=asc&limit=3")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listResultsOfRunningRun")
    void results_of_a_running_run_decode_to_completed_running_and_pending(MockServer server) throws Exception {
        ExperimentResultList list = client(server).listResults(EXAMPLE_RUN, null, 3);
        assertThat(list.getData())
                .extracting(r -> r.getLifecycle().getActualInstance().getClass().getSimpleName())
                .containsExactly(
                        "CompletedWorkflowExperimentResult",
                        "RunningWorkflowExperimentResult",
                        "PendingWorkflowExperimentResult");
        assertThat(list.getListMetadata().getAfter()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getErrorResult(PactDslWithProvider p) {
        DslPart body = newJsonBody(r -> result(r, l -> {
                    l.stringValue("status", "error");
                    l.stringType("message", "extraction timed out");
                    l.object("details", d -> d.stringType("error_code", "timeout"));
                }))
                .build();
        return getResult(given(p, "an error run exists"), "get the failed result of an error run", FAILED_RESULT)
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getErrorResult")
    void a_failed_result_decodes_to_the_error_variant(MockServer server) throws Exception {
        ExperimentResult result = client(server).getResult("expres_example");
        ErrorWorkflowExperimentResult error =
                (ErrorWorkflowExperimentResult) result.getLifecycle().getActualInstance();
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
                })
                .build();
        return PactOperations.createRun(
                        given(p, "experiment exp_demo exists"),
                        "create a run of exp_demo",
                        "{\"experiment_id\":\"exp_demo\"}",
                        IDEMPOTENCY_KEY)
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRun")
    void creating_a_run_returns_it_pending(MockServer server) throws Exception {
        ExperimentRun run =
                client(server).createRun(new CreateExperimentRunRequest().experimentId("exp_demo"), IDEMPOTENCY_KEY);
        assertThat(run.getLifecycle().getActualInstance()).isInstanceOf(PendingWorkflowExperimentRun.class);
        assertThat(run.getDocumentCount()).isEqualTo(5);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createRunOfUnknownExperiment(PactDslWithProvider p) {
        return PactOperations.createRun(
                        given(p, "no experiment exp_unknown exists"),
                        "create a run of an unknown experiment",
                        "{\"experiment_id\":\"exp_unknown\"}",
                        null)
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRunOfUnknownExperiment")
    void creating_a_run_of_an_unknown_experiment_is_a_404(MockServer server) throws Exception {
        assertThatThrownBy(() -> client(server).createRun("exp_unknown"))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("experiment_not_found"));
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
                }))
                .build();
        return PactOperations.createRun(
                        given(p, "experiment exp_demo exists"),
                        "create a run without experiment_id",
                        "{\"experiment_id\":null,\"workflow_id\":\"wf_demo\"}", // as the client writes an unset field
                        null)
                .willRespondWith()
                .status(422)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createRunWithoutExperiment")
    void creating_a_run_without_experiment_id_is_a_422_pointing_at_the_field(MockServer server) throws Exception {
        assertThatThrownBy(() -> client(server).createRun(new CreateExperimentRunRequest().workflowId("wf_demo")))
                .isInstanceOfSatisfying(
                        ExprunValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(
                                        ExprunValidationException.FieldError::loc,
                                        ExprunValidationException.FieldError::type)
                                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                                        List.of("body", "experiment_id"), "missing")));
    }

    // ---- auth -----------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getRunWithoutKey(PactDslWithProvider p) {
        return getRunWithoutAKey(given(p, "a running run exists"), "get a run without an API key", RUN_OF_STATE)
                .willRespondWith()
                .status(401)
                .headers(Map.of("WWW-Authenticate", "Bearer"))
                .body(errorEnvelope("unauthorized"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getRunWithoutKey")
    void a_request_without_a_key_is_a_401(MockServer server) throws Exception {
        ExprunClient anonymous = ExprunClient.builder()
                .baseUrl(server.getUrl())
                .apiKey(null)
                .retries(1, Duration.ZERO, Duration.ZERO)
                .build();
        assertThatThrownBy(() -> anonymous.getRun(EXAMPLE_RUN))
                .isInstanceOfSatisfying(
                        ExprunUnauthorizedException.class,
                        e -> assertThat(e.code()).hasValue("unauthorized"));
    }

    // ---- what the client tolerates and recovers from ---------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getRunInAStatusTheClientDoesNotKnow(PactDslWithProvider p) {
        // any status string: the client must decode a status a later contract adds (the example) without failing.
        // The description's prefix tells PactsConformToSpecIT that only the lifecycle may go beyond this contract.
        return getRun(
                        given(p, "a running run exists"),
                        PactSpecCheck.BEYOND_THE_CONTRACT + "get a run in a status this client does not know",
                        RUN_OF_STATE)
                .willRespondWith()
                .status(200)
                .body(run(true, false, l -> l.stringType("status", "paused")))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getRunInAStatusTheClientDoesNotKnow")
    void a_status_the_client_does_not_know_decodes_to_unknown_not_an_exception(MockServer server) {
        RunLifecycle lifecycle =
                RunLifecycle.of(client(server).getRun(EXAMPLE_RUN).getLifecycle());
        assertThat(lifecycle.kind()).isEqualTo(RunLifecycle.Kind.UNKNOWN);
        assertThat(lifecycle.status()).isEqualTo("paused");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listResultsOfQueuedRun(PactDslWithProvider p) {
        // exprun's results wait as pending; the contract also allows queued, which the client must decode
        DslPart body = newJsonBody(o -> {
                    o.minArrayLike(
                            "data", 1, 1, r -> result(r, l -> l.stringMatcher("status", "pending|queued", "queued")));
                    o.object("list_metadata", m -> m.nullValue("after"));
                })
                .build();
        return listResultsOfTheStatesRun(
                        given(p, "a queued run exists"), "list the results of a queued run", "order=asc")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listResultsOfQueuedRun")
    void a_queued_result_decodes_to_the_queued_variant(MockServer server) {
        assertThat(client(server).listResults(EXAMPLE_RUN, null, null).getData())
                .allSatisfy(r ->
                        assertThat(RunLifecycle.of(r.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.QUEUED));
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact cancelRetriedAfterItWon(PactDslWithProvider p) {
        PactDslResponse cancelFindsItCancelled = cancelRun(
                        given(p, "a cancelled run with a reason exists"),
                        "cancel a run that is already cancelled",
                        RUN_OF_STATE)
                .willRespondWith()
                .status(404)
                .body(notCancellable("cancelled"));
        return getRun(
                        thenGiven(cancelFindsItCancelled, "a cancelled run with a reason exists"),
                        "get the run a retried cancel had cancelled",
                        RUN_OF_STATE)
                .willRespondWith()
                .status(200)
                .body(run(true, true, l -> {
                    l.stringValue("status", "cancelled");
                    l.stringType("reason", "Cancelled by API request");
                }))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "cancelRetriedAfterItWon")
    void a_retried_cancel_that_finds_the_run_cancelled_succeeds_with_the_run(MockServer server) throws Exception {
        // the first attempt's connection is lost before any answer (its cancel may have landed); the retry meets
        // 404 run_not_cancellable with status cancelled, which the client turns into success
        try (FirstConnectionLost network = new FirstConnectionLost(server.getPort())) {
            ExprunClient client = ExprunClient.builder()
                    .baseUrl("http://127.0.0.1:" + network.port())
                    .apiKey(PactOperations.apiKey())
                    .retries(2, Duration.ZERO, Duration.ZERO)
                    .build();

            CancelledRun cancelled = client.cancel(EXAMPLE_RUN);

            assertThat(cancelled.runId()).isEqualTo(EXAMPLE_RUN);
            assertThat(cancelled.lifecycle().reason()).isEqualTo("Cancelled by API request");
            assertThat(network.connectionsLost()).isEqualTo(1);
        }
    }

    @Test
    @PactTestFor(pactMethod = "cancelRetriedAfterItWon")
    void a_first_cancel_that_finds_the_run_cancelled_is_still_404_not_cancellable(MockServer server) {
        ExprunClient client = client(server);
        assertThatThrownBy(() -> client.cancel(EXAMPLE_RUN))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.isNotCancellable()).isTrue();
                    assertThat(e.currentStatus()).hasValue("cancelled");
                });
        client.getRun(EXAMPLE_RUN); // the pact's second interaction, so the mock server sees every one it expects
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A get of the state's run that answers 200 with {@code body}. */
    private static V4Pact getRunIn(PactDslWithProvider p, String state, String status, DslPart body) {
        return getRun(given(p, state), "get a " + status + " run (" + state + ")", RUN_OF_STATE)
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }
}
