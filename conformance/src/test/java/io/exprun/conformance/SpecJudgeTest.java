package io.exprun.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.contract.SpecConformance;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-answer judge: what it accepts, what it rejects and in which words, and which variants it counts. */
class SpecJudgeTest {

    private static final SpecJudge JUDGE = new SpecJudge(SpecConformance.load());
    private static final String CANCEL = "/v1/workflows/experiments/runs/exprun_1/cancel";

    private static Target.Exchange answer(String method, String path, int status, String contentType, String body) {
        return new Target.Exchange(
                method,
                path,
                "the key",
                status,
                HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (a, b) -> true),
                body);
    }

    @Test
    void a_cancelled_answer_conforms_and_counts_as_the_cancelled_variant() {
        SpecJudge.Judgement j = JUDGE.judge(
                answer(
                        "POST",
                        CANCEL,
                        200,
                        "application/json",
                        "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\",\"reason\":null},"
                                + "\"timing\":{\"created_at\":\"2026-05-18T10:00:00Z\",\"started_at\":null,\"completed_at\":null,\"duration_ms\":null}}"));

        assertThat(j.operationId()).isEqualTo("cancel_experiment_run");
        assertThat(j.violations()).isEmpty();
        assertThat(j.variants()).singleElement().satisfies(v -> {
            assertThat(v.variant()).isEqualTo(new SpecJudge.Variant("WorkflowExperimentRunLifecycle", "cancelled"));
            assertThat(v.schema()).isEqualTo("CancelledWorkflowExperimentRun");
            assertThat(v.violations()).isEmpty();
        });
    }

    @Test
    void a_missing_or_unknown_discriminator_is_named_first() {
        assertThat(JUDGE.judge(answer(
                                "POST",
                                CANCEL,
                                200,
                                "application/json",
                                "{\"id\":\"exprun_1\",\"lifecycle\":{\"reason\":\"x\"}}"))
                        .violations()
                        .get(0))
                .startsWith("$.lifecycle: no 'status' (the discriminator of WorkflowExperimentRunLifecycle");
        assertThat(JUDGE.judge(answer(
                                "POST",
                                CANCEL,
                                200,
                                "application/json",
                                "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"canceled\"}}"))
                        .violations()
                        .get(0))
                .startsWith("$.lifecycle.status: 'canceled' is not a variant of WorkflowExperimentRunLifecycle");
    }

    @Test
    void a_variant_carrying_a_field_of_the_wrong_type_is_judged_against_its_own_schema() {
        SpecJudge.Judgement j = JUDGE.judge(answer(
                "POST",
                CANCEL,
                200,
                "application/json",
                "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\",\"reason\":42}}"));

        assertThat(j.variants())
                .singleElement()
                .satisfies(v -> assertThat(v.violations()).isNotEmpty());
    }

    @Test
    void a_json_body_under_another_content_type_is_rejected() {
        assertThat(JUDGE.judge(answer(
                                "POST",
                                CANCEL,
                                404,
                                "text/plain",
                                "{\"detail\":{\"code\":\"run_not_found\",\"message\":\"m\"}}"))
                        .violations())
                .singleElement()
                .asString()
                .contains("Content-Type 'text/plain'");
    }

    @Test
    void a_timestamp_without_offset_and_an_undeclared_status_are_rejected() {
        assertThat(JUDGE.judge(
                                answer(
                                        "POST",
                                        CANCEL,
                                        200,
                                        "application/json",
                                        "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\"},\"timing\":{\"created_at\":\"2026-05-18T10:00:00\"}}"))
                        .violations())
                .isNotEmpty();
        assertThat(JUDGE.judge(answer("POST", CANCEL, 409, "application/json", "{}"))
                        .violations())
                .singleElement()
                .asString()
                .contains("status not declared");
    }

    @Test
    void every_lifecycle_variant_is_declared_for_a_run_answer() {
        SpecConformance.Operation get = JUDGE.spec()
                .operation("GET", "/v1/workflows/experiments/runs/x")
                .orElseThrow();

        assertThat(JUDGE.declaredVariants(get, "200"))
                .extracting(SpecJudge.Variant::value)
                .containsExactlyInAnyOrder("pending", "queued", "running", "completed", "error", "cancelled");
        assertThat(JUDGE.declaredVariants(get, "404")).isEmpty();
    }
}
