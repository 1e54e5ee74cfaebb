package io.exprun.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.RunLifecycle;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The extension: one server per class, the method's scenario over the class's, state forgotten between tests. */
@ExprunStub(value = Scenario.RUN_RUNNING, apiKey = "team-key")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExprunStubExtensionTest {

    private static int firstPort;

    private static ExprunClient client(ExprunStubServer stub) {
        return ExprunClient.builder()
                .baseUrl(stub.baseUrl())
                .apiKey(stub.apiKey())
                .retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .build();
    }

    @Test
    @Order(1)
    void the_class_scenario_applies_and_cancelling_changes_what_later_reads_see(ExprunStubServer stub) {
        firstPort = stub.port();
        assertThat(stub.apiKey()).isEqualTo("team-key");
        ExprunClient client = client(stub);

        assertThat(RunLifecycle.of(client.getRun("exprun_1").getLifecycle()).kind())
                .isEqualTo(RunLifecycle.Kind.RUNNING);
        client.cancel("exprun_1");
        assertThat(RunLifecycle.of(client.getRun("exprun_1").getLifecycle()).kind())
                .isEqualTo(RunLifecycle.Kind.CANCELLED);
    }

    @Test
    @Order(2)
    void the_next_test_starts_again_from_the_scenarios_first_state_on_the_same_server(ExprunStubServer stub) {
        assertThat(stub.port()).isEqualTo(firstPort);
        assertThat(stub.wireMock().getAllServeEvents()).isEmpty();

        assertThat(RunLifecycle.of(client(stub).getRun("exprun_1").getLifecycle())
                        .kind())
                .isEqualTo(RunLifecycle.Kind.RUNNING);
    }

    @Test
    @Order(3)
    @ExprunStub(Scenario.RUN_COMPLETED)
    void a_method_annotation_selects_that_tests_scenario(ExprunStubServer stub) {
        assertThat(stub.scenario()).isEqualTo(Scenario.RUN_COMPLETED);

        assertThatThrownBy(() -> client(stub).cancel("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class,
                        e -> assertThat(e.currentStatus()).hasValue("completed"));
    }
}
