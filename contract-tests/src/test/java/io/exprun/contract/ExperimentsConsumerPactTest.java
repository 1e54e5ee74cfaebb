package io.exprun.contract;

import static au.com.dius.pact.consumer.dsl.LambdaDsl.newJsonBody;
import static io.exprun.contract.PactBodies.EXAMPLE_TIME;
import static io.exprun.contract.PactBodies.RFC3339;
import static io.exprun.contract.PactBodies.errorEnvelope;
import static io.exprun.contract.PactOperations.client;
import static io.exprun.contract.PactOperations.given;
import static io.exprun.contract.PactOperations.inAnyState;
import static io.exprun.contract.PactOperations.listExperiments;
import static io.exprun.contract.PactOperations.updateExperiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.DslPart;
import au.com.dius.pact.consumer.dsl.LambdaDslObject;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import io.exprun.client.ExperimentQuery;
import io.exprun.client.ExprunConflictException;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.generated.model.BlockType;
import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.ExplicitExperimentDocument;
import io.exprun.client.generated.model.HandleDocument;
import io.exprun.client.generated.model.HandlePayload;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.client.generated.model.WorkflowExperimentList;
import io.exprun.contract.PactOperations.PathId;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code ExprunClient}'s experiments operations (contract 0.2.0) need from the server: each operation, and each
 * error a consumer can run into and the client turns into a typed exception. Same consumer and provider as
 * {@link ExperimentRunsConsumerPactTest}, so Pact merges these interactions into the same pact file
 * (target/pacts/exprun-client-exprun-server.json; contract-tests/pom.xml empties the folder once before the test phase
 * instead of letting each class overwrite the file). The example ids {@code exp_pact} and {@code exp_busy} stand for
 * the ids the provider states create ({@code ${experimentId}}, {@code ${runId}}); other ids and every time are matched
 * by type or pattern. Long for the same reason as {@link ExperimentRunsConsumerPactTest}: each interaction, its
 * request stated through {@link PactOperations}, next to the test that drives it.
 */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "exprun-server")
class ExperimentsConsumerPactTest {

    static final String CONSUMER = ExperimentRunsConsumerPactTest.CONSUMER;
    static final String PROVIDER = ExperimentRunsConsumerPactTest.PROVIDER;

    private static final String EXAMPLE_EXPERIMENT = "exp_pact";
    /** The experiment of "an experiment exp_pact exists" ({@code ${experimentId}}), and an id no state makes. */
    static final PathId EXPERIMENT_OF_STATE = PathId.fromState("experimentId", EXAMPLE_EXPERIMENT);

    private static final PathId MISSING_EXPERIMENT = PathId.fixed("exp_missing");
    private static final String BUSY_EXPERIMENT = "exp_busy";
    private static final String BUSY_RUN = "exprun_busy";
    private static final String IDEMPOTENCY_KEY = "experiment-order-4711";
    private static final String UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    private static final String NAME = "Invoices, May";
    private static final String NEW_NAME = "Invoices, May (final)";

    // ---- list -----------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listExperimentsFirstPage(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
                    o.minArrayLike("data", 1, 1, e -> listed(e, "wf_pact"));
                    o.object("list_metadata", m -> {
                        m.nullValue("before");
                        m.stringType("after", "exp_newest");
                    });
                })
                .build();
        return listExperiments(
                        given(p, "two experiments of wf_pact exist"),
                        "list the first page of wf_pact's experiments",
                        "workflow_id=wf_pact&limit=1")
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listExperimentsFirstPage")
    void a_page_of_experiments_with_more_after_it_carries_the_after_cursor(MockServer server) {
        WorkflowExperimentList page = client(server)
                .listExperiments(ExperimentQuery.all().workflowId("wf_pact").pageSize(1), null);
        assertThat(page.getData())
                .singleElement()
                .satisfies(e -> assertThat(e.getWorkflowId()).isEqualTo("wf_pact"));
        assertThat(page.getListMetadata().getBefore()).isNull();
        assertThat(page.getListMetadata().getAfter()).isEqualTo("exp_newest");
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listExperimentsLastPage(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> {
                    o.minArrayLike("data", 1, 1, e -> listed(e, "wf_pact"));
                    o.object("list_metadata", m -> m.nullValue("after"));
                })
                .build();
        return listExperiments(
                        given(p, "two experiments of wf_pact exist"),
                        "list the last page of wf_pact's experiments, after a cursor",
                        "workflow_id=wf_pact&limit=100")
                .queryParameterFromProviderState("after", "${newestId}", "exp_newest")
                .willRespondWith()
                .status(200)
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listExperimentsLastPage")
    void the_page_after_the_cursor_is_the_last_when_its_after_is_null(MockServer server) {
        WorkflowExperimentList page = client(server)
                .listExperiments(ExperimentQuery.all().workflowId("wf_pact").pageSize(100), "exp_newest");
        assertThat(page.getData()).isNotEmpty();
        assertThat(page.getListMetadata().getAfter()).isNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact listExperimentsWithAPageSizeOutOfRange(PactDslWithProvider p) {
        return listExperiments(inAnyState(p), "list experiments with a page size of 0", "limit=0")
                .willRespondWith()
                .status(422)
                .body(fieldError("query", "limit"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "listExperimentsWithAPageSizeOutOfRange")
    void a_page_size_out_of_range_is_a_422_pointing_at_limit(MockServer server) {
        // ExperimentQuery documents 1–100 and leaves the check to the server: the 422 is what the caller gets
        assertThatThrownBy(() ->
                        client(server).listExperiments(ExperimentQuery.all().pageSize(0), null))
                .isInstanceOfSatisfying(
                        ExprunValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(ExprunValidationException.FieldError::loc)
                                .containsExactly(List.of("query", "limit")));
    }

    // ---- create ---------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createExperiment(PactDslWithProvider p) {
        DslPart body = newJsonBody(e -> {
                    e.stringType("id", EXAMPLE_EXPERIMENT);
                    experiment(e, "wf_pact", NAME);
                    e.nullValue("last_run_id");
                })
                .build();
        return PactOperations.createExperiment(
                        inAnyState(p),
                        "create an experiment of wf_pact with an Idempotency-Key",
                        createRequest(null),
                        IDEMPOTENCY_KEY)
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createExperiment")
    void creating_an_experiment_returns_it_with_its_documents_and_no_run(MockServer server) {
        WorkflowExperiment created = client(server).createExperiment(newExperiment(), IDEMPOTENCY_KEY);
        assertThat(created.getId()).isEqualTo(EXAMPLE_EXPERIMENT);
        assertThat(created.getName()).isEqualTo(NAME);
        assertThat(created.getBlockType()).isEqualTo(BlockType.EXTRACT);
        assertThat(created.getDocumentCount()).isEqualTo(1);
        assertThat(created.getDocuments()
                        .get(0)
                        .getHandleInputs()
                        .get("document")
                        .getDocument()
                        .getId())
                .isEqualTo("doc_1");
        assertThat(created.getLastRunId()).isNull();
        assertThat(created.getCreatedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createExperimentOfAnUnknownBlockType(PactDslWithProvider p) {
        // the generated client decodes a block type it does not know as UNKNOWN_DEFAULT_OPEN_API and sends it back
        // as "unknown_default_open_api": a value the spec's enum does not have, so the client can send it
        return PactOperations.createExperiment(
                        inAnyState(p),
                        "create an experiment of a block type the contract does not know",
                        createRequest("unknown_default_open_api"),
                        null)
                .matchHeader("Idempotency-Key", UUID, "0b8e6f8e-2f6a-4c55-9d1e-7a4c3b2a1f00")
                .willRespondWith()
                .status(422)
                .body(fieldError("body", "block_type"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createExperimentOfAnUnknownBlockType")
    void an_unknown_block_type_is_a_422_pointing_at_the_field(MockServer server) {
        // without a key of the caller's, the client makes one up (a UUID): every create can be retried safely
        assertThatThrownBy(() ->
                        client(server).createExperiment(newExperiment().blockType(BlockType.UNKNOWN_DEFAULT_OPEN_API)))
                .isInstanceOfSatisfying(
                        ExprunValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(ExprunValidationException.FieldError::loc)
                                .containsExactly(List.of("body", "block_type")));
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact createExperimentFromAMissingSource(PactDslWithProvider p) {
        return PactOperations.createExperiment(
                        given(p, "no experiment exp_missing exists"),
                        "create an experiment duplicating one that does not exist",
                        "{\"workflow_id\":\"wf_pact\",\"source_experiment_id\":\"exp_missing\"}",
                        null)
                .matchHeader("Idempotency-Key", UUID, "5d0c1f9a-8b3e-4f27-a6d4-2c9e1b7f3a11")
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "createExperimentFromAMissingSource")
    void duplicating_a_missing_experiment_is_a_404_experiment_not_found(MockServer server) {
        CreateExperimentRequest copy =
                new CreateExperimentRequest().workflowId("wf_pact").sourceExperimentId("exp_missing");
        assertThatThrownBy(() -> client(server).createExperiment(copy))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("experiment_not_found"));
    }

    // ---- get ------------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getExperiment(PactDslWithProvider p) {
        return PactOperations.getExperiment(
                        given(p, "an experiment exp_pact exists"), "get an experiment", EXPERIMENT_OF_STATE)
                .willRespondWith()
                .status(200)
                .headers(Map.of("Content-Type", "application/json"))
                .body(experimentFromState(NAME))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getExperiment")
    void an_experiment_reads_back_with_its_id_and_documents(MockServer server) {
        WorkflowExperiment experiment = client(server).getExperiment(EXAMPLE_EXPERIMENT);
        assertThat(experiment.getId()).isEqualTo(EXAMPLE_EXPERIMENT);
        assertThat(experiment.getWorkflowId()).isEqualTo("wf_pact");
        assertThat(experiment.getDocuments()).hasSize(experiment.getDocumentCount());
        assertThat(experiment.getUpdatedAt()).isNotNull();
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact getMissingExperiment(PactDslWithProvider p) {
        return PactOperations.getExperiment(
                        given(p, "no experiment exp_missing exists"),
                        "get an experiment that does not exist",
                        MISSING_EXPERIMENT)
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getMissingExperiment")
    void getting_a_missing_experiment_is_a_404_experiment_not_found(MockServer server) {
        assertThatThrownBy(() -> client(server).getExperiment("exp_missing"))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("experiment_not_found");
                    assertThat(e.isNotCancellable()).isFalse();
                });
    }

    // ---- update ---------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact renameExperiment(PactDslWithProvider p) {
        return updateExperiment(
                        given(p, "an experiment exp_pact exists"),
                        "rename an experiment",
                        EXPERIMENT_OF_STATE,
                        "{\"name\":\"" + NEW_NAME + "\"}")
                .willRespondWith()
                .status(200)
                .body(experimentFromState(NEW_NAME))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "renameExperiment")
    void renaming_an_experiment_returns_it_renamed_with_the_rest_unchanged(MockServer server) {
        WorkflowExperiment renamed =
                client(server).updateExperiment(EXAMPLE_EXPERIMENT, new UpdateExperimentRequest().name(NEW_NAME));
        assertThat(renamed.getName()).isEqualTo(NEW_NAME);
        assertThat(renamed.getId()).isEqualTo(EXAMPLE_EXPERIMENT);
        assertThat(renamed.getDocumentCount()).isEqualTo(1);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact renameMissingExperiment(PactDslWithProvider p) {
        return updateExperiment(
                        given(p, "no experiment exp_missing exists"),
                        "rename an experiment that does not exist",
                        MISSING_EXPERIMENT,
                        "{\"name\":\"" + NEW_NAME + "\"}")
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "renameMissingExperiment")
    void renaming_a_missing_experiment_is_a_404_experiment_not_found(MockServer server) {
        assertThatThrownBy(() ->
                        client(server).updateExperiment("exp_missing", new UpdateExperimentRequest().name(NEW_NAME)))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("experiment_not_found"));
    }

    // ---- delete ---------------------------------------------------------------------------------

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact deleteExperiment(PactDslWithProvider p) {
        return PactOperations.deleteExperiment(
                        given(p, "an experiment exp_pact exists"), "delete an experiment", EXPERIMENT_OF_STATE)
                .willRespondWith()
                .status(204)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "deleteExperiment")
    void deleting_an_experiment_is_a_204_and_returns_quietly(MockServer server) {
        client(server).deleteExperiment(EXAMPLE_EXPERIMENT);
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact deleteMissingExperiment(PactDslWithProvider p) {
        return PactOperations.deleteExperiment(
                        given(p, "no experiment exp_missing exists"),
                        "delete an experiment that does not exist",
                        MISSING_EXPERIMENT)
                .willRespondWith()
                .status(404)
                .body(errorEnvelope("experiment_not_found"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "deleteMissingExperiment")
    void deleting_a_missing_experiment_at_the_first_attempt_is_a_404(MockServer server) {
        // only a retry's 404 counts as "an earlier attempt deleted it"; this client makes one attempt
        assertThatThrownBy(() -> client(server).deleteExperiment("exp_missing"))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("experiment_not_found"));
    }

    @Pact(consumer = CONSUMER, provider = PROVIDER)
    V4Pact deleteExperimentWithARunningRun(PactDslWithProvider p) {
        DslPart body = newJsonBody(o -> o.object("detail", d -> {
                    d.stringValue("code", "experiment_has_active_run");
                    d.stringType("message", "Experiment exp_busy has run exprun_busy still running: cancel it first");
                    d.object("details", x -> {
                        x.valueFromProviderState("experiment_id", "${experimentId}", BUSY_EXPERIMENT);
                        x.valueFromProviderState("run_id", "${runId}", BUSY_RUN);
                        x.stringValue("status", "running");
                    });
                }))
                .build();
        return PactOperations.deleteExperiment(
                        given(p, "experiment exp_busy has a running run"),
                        "delete an experiment while its run is running",
                        PathId.fromState("experimentId", BUSY_EXPERIMENT))
                .willRespondWith()
                .status(409)
                .headers(Map.of("Content-Type", "application/json"))
                .body(body)
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "deleteExperimentWithARunningRun")
    void deleting_an_experiment_with_a_running_run_is_a_409_naming_the_run_and_its_status(MockServer server) {
        assertThatThrownBy(() -> client(server).deleteExperiment(BUSY_EXPERIMENT))
                .isInstanceOfSatisfying(ExprunConflictException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.hasActiveRun()).isTrue();
                    assertThat(e.runId()).hasValue(BUSY_RUN);
                    assertThat(e.runStatus()).hasValue("running");
                    assertThat(e.experimentId()).hasValue(BUSY_EXPERIMENT);
                });
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** What the states make: one PDF document, as a file input named {@code document}. */
    private static CreateExperimentRequest newExperiment() {
        return new CreateExperimentRequest()
                .workflowId("wf_pact")
                .name(NAME)
                .documents(List.of(new ExplicitExperimentDocument()
                        .handleInputs(Map.of(
                                "document",
                                new HandlePayload()
                                        .type(HandlePayload.TypeEnum.FILE)
                                        .document(new HandleDocument()
                                                .id("doc_1")
                                                .filename("invoice-001.pdf")
                                                .mimeType("application/pdf"))))));
    }

    /** {@link #newExperiment()} as the client writes it (unset fields left out), with this block type if any. */
    private static DslPart createRequest(String blockType) {
        return newJsonBody(o -> {
                    o.stringValue("workflow_id", "wf_pact");
                    if (blockType != null) {
                        o.stringValue("block_type", blockType);
                    }
                    o.array("documents", docs -> docs.object(d -> d.object("handle_inputs", document("doc_1"))));
                    o.stringValue("name", NAME);
                })
                .build();
    }

    private static Consumer<LambdaDslObject> document(String documentId) {
        return h -> h.object("document", in -> {
            in.stringValue("type", "file");
            in.object("document", f -> {
                f.stringValue("id", documentId);
                f.stringValue("filename", "invoice-001.pdf");
                f.stringValue("mime_type", "application/pdf");
            });
        });
    }

    /** Every field the states' experiments agree on; the block defaults to the spec's {@code extract}. */
    private static void experiment(LambdaDslObject e, String workflowId, String name) {
        e.stringValue("workflow_id", workflowId);
        e.stringValue("block_id", "blk_extract");
        e.stringValue("block_type", "extract");
        e.integerType("n_consensus", 3);
        e.stringValue("name", name);
        e.integerType("document_count", 1);
        e.minArrayLike("documents", 1, 1, d -> d.object("handle_inputs", document("doc_1")));
        e.stringMatcher("created_at", RFC3339, EXAMPLE_TIME);
        e.stringMatcher("updated_at", RFC3339, EXAMPLE_TIME);
    }

    /** A listed experiment: its id and settings, not its name (a rename may have reached it). */
    private static void listed(LambdaDslObject e, String workflowId) {
        e.stringType("id", "exp_newest");
        e.stringValue("workflow_id", workflowId);
        e.stringType("name", NAME);
        e.integerType("document_count", 1);
        e.stringMatcher("created_at", RFC3339, EXAMPLE_TIME);
    }

    /** The experiment of "an experiment exp_pact exists" (id injected), named {@code name}, without a run yet. */
    static DslPart experimentFromState(String name) {
        return newJsonBody(e -> {
                    e.valueFromProviderState("id", "${experimentId}", EXAMPLE_EXPERIMENT);
                    experiment(e, "wf_pact", name);
                    e.nullValue("last_run_id");
                })
                .build();
    }

    /** A 422 whose one error points at {@code loc}. */
    private static DslPart fieldError(String... loc) {
        return newJsonBody(o -> o.minArrayLike("detail", 1, 1, e -> {
                    e.array("loc", l -> {
                        for (String part : loc) {
                            l.stringValue(part);
                        }
                    });
                    e.stringType("msg", "Input should be one of the allowed values");
                    e.stringType("type", "enum");
                }))
                .build();
    }
}
