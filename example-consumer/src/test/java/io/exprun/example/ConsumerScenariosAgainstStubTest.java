package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.stub.ExprunStub;
import io.exprun.stub.ExprunStubServer;
import io.exprun.stub.Scenario;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ConsumerScenarios} against the exprun stub: no server running; each situation is a stub scenario. */
@ExprunStub
class ConsumerScenariosAgainstStubTest extends ConsumerScenarios {

    private ExprunStubServer stub;

    @BeforeEach
    void stub(ExprunStubServer stub) {
        this.stub = stub;
    }

    @Override
    ExprunClient client() {
        return configured(stub.baseUrl(), stub.apiKey()).build();
    }

    @Override
    String runIn(LifecycleStatus status) {
        stub.scenario(Scenario.runIn(status.getValue()));
        return "exprun_stubbed_" + status.getValue();
    }

    @Override
    RunOf runThatProgressesToCompleted() {
        stub.scenario(Scenario.RUN_PROGRESSES_TO_COMPLETED);
        return new RunOf(
                client(),
                client().workflows().experiments().runs().create("exp_demo").getId());
    }

    @Override
    String runThatDoesNotExist() {
        stub.scenario(Scenario.RUN_NOT_FOUND);
        return "exprun_stubbed_missing";
    }

    /** The stub keeps no experiment: every one has the ETag "1", so any other is stale. */
    @Override
    java.util.Map.Entry<String, String> experimentChangedSinceRead() {
        stub.scenario(Scenario.EXAMPLES);
        return java.util.Map.entry("exp_7f3a", "\"0\"");
    }

    @Override
    ExprunClient clientTheServerRefuses() {
        stub.scenario(Scenario.UNAUTHORIZED); // a key that worked until now is refused (revoked)
        return client();
    }

    @Override
    ExprunClient clientThatIsRateLimited() {
        stub.scenario(Scenario.RATE_LIMITED);
        return client();
    }

    // Stub only: what the stub cannot derive from a request. (Invalid requests are refused by the stub in every
    // scenario, as the inherited 422 tests show.)

    @Test
    @ExprunStub(Scenario.VALIDATION_FAILED)
    void in_validation_failed_even_a_valid_create_is_refused_with_the_specs_field_error() {
        assertThatThrownBy(() -> client().workflows().experiments().runs().create("exp_demo"))
                .isInstanceOfSatisfying(
                        ExprunValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(ExprunValidationException.FieldError::loc)
                                .containsExactly(List.of("body", "experiment_id")));
    }

    @Test
    @ExprunStub(Scenario.EXPERIMENT_NOT_FOUND)
    void in_experiment_not_found_a_create_names_the_experiment() {
        assertThatThrownBy(() -> client().workflows().experiments().runs().create("exp_gone"))
                .isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
                    assertThat(e.code()).hasValue("experiment_not_found");
                    assertThat(e.getMessage()).contains("Experiment exp_gone not found");
                });
    }

    @Test
    @ExprunStub(Scenario.EXAMPLES)
    void in_examples_each_operation_answers_the_specs_example() {
        assertThat(client().workflows()
                        .experiments()
                        .runs()
                        .get("exprun_2")
                        .getLifecycle()
                        .getActualInstance())
                .isInstanceOf(io.exprun.client.generated.model.ErrorWorkflowExperimentRun.class);
        assertThat(client().workflows()
                        .experiments()
                        .runs()
                        .page(io.exprun.client.RunQuery.all(), null)
                        .getData())
                .hasSize(1);
    }
}
