package io.exprun.contract;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaking-change gate: the spec must stay compatible with the committed baseline
 * (openapi/baseline/experiment-runs.yaml), judged by openapi-diff. A deliberate breaking change means updating the
 * baseline in the same commit ({@code cp openapi/experiment-runs.yaml openapi/baseline/}), where reviewers see it.
 */
class BreakingChangeGateTest {

    private static String spec() throws IOException {
        return Files.readString(Path.of(System.getProperty("exprun.spec", "experiment-runs.yaml")));
    }

    private static String baseline() throws IOException {
        return Files.readString(Path.of(System.getProperty("exprun.baseline", "baseline/experiment-runs.yaml")));
    }

    @Test
    void the_spec_is_compatible_with_the_committed_baseline() throws IOException {
        assertThat(CompatibilityGate.breakingChanges(baseline(), spec()))
                .as("openapi/experiment-runs.yaml breaks clients of openapi/baseline/experiment-runs.yaml; if that is "
                        + "deliberate, update the baseline in the same commit")
                .isEmpty();
    }

    @Test
    void removing_a_response_field_fails_the_gate() throws IOException {
        String spec = baseline();
        String without = spec.replace("""
                        completed_document_count:
                          type: integer
                          default: 0
                """, "");
        assertThat(without).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, without))
                .anySatisfy(p -> assertThat(p).contains(".completed_document_count removed"));
    }

    @Test
    void removing_a_lifecycle_variant_fails_the_gate() throws IOException {
        String spec = baseline();
        String without = spec.replace("""
                        - $ref: '#/components/schemas/CancelledWorkflowExperimentRun'
                """, "").replace("""
                          cancelled: '#/components/schemas/CancelledWorkflowExperimentRun'
                """, "");
        assertThat(without).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, without))
                .anySatisfy(p -> assertThat(p).contains(".lifecycle|CancelledWorkflowExperimentRun removed"));
    }

    @Test
    void removing_an_operation_or_requiring_a_new_request_field_fails_the_gate() throws IOException {
        String spec = baseline();
        String noGet = spec.replace("    get:\n      tags:\n        - Experiment Results\n      summary: Get Experiment Result",
                "    x-removed:\n      tags:\n        - Experiment Results\n      summary: Get Experiment Result");
        String newRequired = spec.replace("""
                      required:
                        - experiment_id
                """, """
                      required:
                        - experiment_id
                        - plan_token
                """);
        assertThat(noGet).isNotEqualTo(spec);
        assertThat(newRequired).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, noGet)).isNotEmpty();
        assertThat(CompatibilityGate.breakingChanges(spec, newRequired)).isNotEmpty();
    }

    @Test
    void adding_an_optional_response_field_passes_the_gate() throws IOException {
        String spec = baseline();
        String with = spec.replace("""
                        error_count:
                          type: integer
                          default: 0
                """, """
                        error_count:
                          type: integer
                          default: 0
                        retry_count:
                          type: integer
                          default: 0
                """);
        assertThat(with).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, with)).isEmpty();
    }
}
