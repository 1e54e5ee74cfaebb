package io.exprun.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.contract.SpecConformance;
import org.junit.jupiter.api.Test;

/** The kit reaches its next calls through the spec's links, with values from the answer they start from. */
class LinksTest {

    private static final SpecConformance SPEC = SpecConformance.of(SpecConformance.bundledSpecText());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_created_run_links_to_its_get_its_cancel_and_its_results() throws Exception {
        JsonNode created = JSON.readTree("{\"id\":\"exprun_9\",\"lifecycle\":{\"status\":\"pending\"}}");

        assertThat(Links.follow(SPEC, "create_experiment_run", "get_experiment_run", created))
                .hasValue("/v1/workflows/experiments/runs/exprun_9");
        assertThat(Links.follow(SPEC, "create_experiment_run", "cancel_experiment_run", created))
                .hasValue("/v1/workflows/experiments/runs/exprun_9/cancel");
        assertThat(Links.follow(SPEC, "create_experiment_run", "list_experiment_results", created))
                .hasValue("/v1/workflows/experiments/results?run_id=exprun_9");
    }

    @Test
    void a_result_links_to_its_run() throws Exception {
        JsonNode result = JSON.readTree("{\"id\":\"expres_1\",\"experiment_run_id\":\"exprun_9\"}");

        assertThat(Links.follow(SPEC, "get_experiment_result", "get_experiment_run", result))
                .hasValue("/v1/workflows/experiments/runs/exprun_9");
    }

    @Test
    void no_link_declared_is_empty_and_an_answer_without_the_linked_value_fails_the_check() throws Exception {
        assertThat(Links.follow(SPEC, "list_experiment_runs", "get_experiment_run", JSON.readTree("{}")))
                .isEmpty();
        assertThatThrownBy(() -> Links.follow(
                        SPEC,
                        "create_experiment_run",
                        "get_experiment_run",
                        JSON.readTree("{\"lifecycle\":{\"status\":\"pending\"}}")))
                .hasMessageContaining("$response.body#/id");
    }
}
