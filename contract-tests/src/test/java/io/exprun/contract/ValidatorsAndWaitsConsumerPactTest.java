package io.exprun.contract;

import static au.com.dius.pact.consumer.dsl.LambdaDsl.newJsonBody;
import static io.exprun.contract.PactBodies.EXAMPLE_RUN;
import static io.exprun.contract.PactBodies.run;
import static io.exprun.contract.PactBodies.status;
import static io.exprun.contract.PactOperations.client;
import static io.exprun.contract.PactOperations.getRun;
import static io.exprun.contract.PactOperations.given;
import static io.exprun.contract.PactOperations.updateExperiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import io.exprun.client.ExprunPreconditionFailedException;
import io.exprun.client.ExprunResponse;
import io.exprun.client.RequestOptions;
import io.exprun.client.RunLifecycle;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.contract.PactOperations.PathId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Contract 0.3.0 through the client shaped like Retab's SDK: the wait ({@code runs().waitFor}, one request with
 * {@code wait_for=terminal}), the validators ({@code getWithResponse} and its ETag, a 304 on {@code If-None-Match},
 * {@code If-Match} on an experiment's update: 412 when stale, 200 with a new ETag when current). ETags are matched by
 * shape (a strong, quoted tag); the one the provider has is injected from its state ({@code ${etag}}).
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "exprun-server")
class ValidatorsAndWaitsConsumerPactTest {

    private static final String STRONG_ETAG = "^\"[^\"]+\"$";
    private static final PathId RUN_OF_STATE = PathId.fromState("runId", EXAMPLE_RUN);
    private static final PathId EXPERIMENT_OF_STATE = ExperimentsConsumerPactTest.EXPERIMENT_OF_STATE;
    private static final String EXAMPLE_EXPERIMENT = EXPERIMENT_OF_STATE.example();

    @Pact(consumer = ExperimentRunsConsumerPactTest.CONSUMER, provider = ExperimentRunsConsumerPactTest.PROVIDER)
    V4Pact waitForACompletedRun(PactDslWithProvider p) {
        return getRun(
                        given(p, "a completed run exists"),
                        "wait for a run that has ended: answered at once",
                        RUN_OF_STATE)
                .query("wait_for=terminal")
                .matchQuery("timeout", "^[0-9]+ms$", "30000ms")
                .willRespondWith()
                .status(200)
                .matchHeader("ETag", STRONG_ETAG, "\"9\"")
                .body(run(true, true, status("completed")))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "waitForACompletedRun")
    void wait_for_asks_the_server_to_wait_and_returns_the_ended_run(MockServer server) {
        ExperimentRun run =
                client(server).workflows().experiments().runs().waitFor(EXAMPLE_RUN, Duration.ofSeconds(30));

        assertThat(RunLifecycle.of(run.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.COMPLETED);
    }

    @Pact(consumer = ExperimentRunsConsumerPactTest.CONSUMER, provider = ExperimentRunsConsumerPactTest.PROVIDER)
    V4Pact getRunWithItsEtag(PactDslWithProvider p) {
        return getRun(given(p, "a running run exists"), "get a run: its ETag", RUN_OF_STATE)
                .willRespondWith()
                .status(200)
                .matchHeader("ETag", STRONG_ETAG, "\"3\"")
                .body(run(true, false, status("running")))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getRunWithItsEtag")
    void get_with_response_gives_the_runs_etag(MockServer server) {
        ExprunResponse<ExperimentRun> read =
                client(server).workflows().experiments().runs().getWithResponse(EXAMPLE_RUN, RequestOptions.none());

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.etag()).hasValue("\"3\"");
        assertThat(read.value()).isPresent();
    }

    @Pact(consumer = ExperimentRunsConsumerPactTest.CONSUMER, provider = ExperimentRunsConsumerPactTest.PROVIDER)
    V4Pact getUnchangedRun(PactDslWithProvider p) {
        return getRun(
                        given(p, "a running run exists, with its ETag"),
                        "get a run that has not changed since its ETag: 304",
                        RUN_OF_STATE)
                .headerFromProviderState("If-None-Match", "${etag}", "\"3\"")
                .willRespondWith()
                .status(304)
                .matchHeader("ETag", STRONG_ETAG, "\"3\"")
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "getUnchangedRun")
    void a_304_is_read_as_not_modified_without_a_body(MockServer server) {
        ExprunResponse<ExperimentRun> again = client(server)
                .workflows()
                .experiments()
                .runs()
                .getWithResponse(EXAMPLE_RUN, RequestOptions.none().ifNoneMatch("\"3\""));

        assertThat(again.notModified()).isTrue();
        assertThat(again.value()).isEmpty();
        assertThat(again.etag()).hasValue("\"3\"");
    }

    @Pact(consumer = ExperimentRunsConsumerPactTest.CONSUMER, provider = ExperimentRunsConsumerPactTest.PROVIDER)
    V4Pact renameOnAStaleEtag(PactDslWithProvider p) {
        return updateExperiment(
                        given(p, "an experiment exp_pact exists, changed since its ETag \"1\""),
                        "rename an experiment on a stale If-Match: 412",
                        EXPERIMENT_OF_STATE,
                        "{\"name\":\"mine\"}")
                .headers(Map.of("If-Match", "\"1\""))
                .willRespondWith()
                .status(412)
                .body(newJsonBody(o -> o.object("detail", d -> {
                            d.stringValue("code", "precondition_failed");
                            d.stringType("message", "explanation");
                            d.object("details", x -> x.stringMatcher("etag", STRONG_ETAG, "\"2\""));
                        }))
                        .build())
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "renameOnAStaleEtag")
    void a_change_on_a_stale_etag_is_a_precondition_failure_naming_the_current_one(MockServer server) {
        assertThatThrownBy(() -> client(server)
                        .workflows()
                        .experiments()
                        .update(
                                EXAMPLE_EXPERIMENT,
                                new UpdateExperimentRequest().name("mine"),
                                RequestOptions.none().ifMatch("\"1\"")))
                .isInstanceOfSatisfying(ExprunPreconditionFailedException.class, e -> {
                    assertThat(e.code()).hasValue("precondition_failed");
                    assertThat(e.currentEtag()).hasValue("\"2\"");
                });
    }

    @Pact(consumer = ExperimentRunsConsumerPactTest.CONSUMER, provider = ExperimentRunsConsumerPactTest.PROVIDER)
    V4Pact renameOnTheCurrentEtag(PactDslWithProvider p) {
        return updateExperiment(
                        given(p, "an experiment exp_pact exists"),
                        "rename an experiment on its current If-Match: 200 and a new ETag",
                        EXPERIMENT_OF_STATE,
                        "{\"name\":\"mine\"}")
                .headers(Map.of("If-Match", "\"1\""))
                .willRespondWith()
                .status(200)
                .matchHeader("ETag", STRONG_ETAG, "\"2\"")
                .body(ExperimentsConsumerPactTest.experimentFromState("mine"))
                .toPact(V4Pact.class);
    }

    @Test
    @PactTestFor(pactMethod = "renameOnTheCurrentEtag")
    void a_change_on_the_current_etag_applies_and_gives_the_next_etag(MockServer server) {
        ExprunResponse<WorkflowExperiment> renamed = client(server)
                .workflows()
                .experiments()
                .updateWithResponse(
                        EXAMPLE_EXPERIMENT,
                        new UpdateExperimentRequest().name("mine"),
                        RequestOptions.none().ifMatch("\"1\""));

        assertThat(renamed.value().orElseThrow().getName()).isEqualTo("mine");
        assertThat(renamed.etag()).hasValue("\"2\"");
    }
}
