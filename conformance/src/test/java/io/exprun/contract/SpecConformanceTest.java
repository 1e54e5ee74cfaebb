package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The conformance checker itself: it accepts what the spec allows and rejects drift. These are the negative controls
 * that prove the checks applied to every live response can bite.
 */
class SpecConformanceTest {

    private static final SpecConformance SPEC = SpecConformance.load();
    private static final String RUN = "/v1/workflows/experiments/runs/exprun_1";
    private static final String CANCEL = RUN + "/cancel";

    private static final String VALID_RUN = """
            {"id":"exprun_1","workflow_id":"wf","workflow_version_id":"wfv","trigger":{"type":"api"},
             "experiment_id":"exp_demo","block_id":"blk","block_type":"extract","n_consensus":3,
             "lifecycle":{"status":"running"},
             "timing":{"created_at":"2026-05-18T10:00:00Z","started_at":"2026-05-18T10:00:01.5+02:00",
                       "completed_at":null,"duration_ms":null},
             "block_execution_fingerprint":"bef","documents_fingerprint":"df"}""";

    @Test
    void a_run_as_the_spec_describes_it_conforms() {
        assertThat(SPEC.violations("GET", RUN, 200, VALID_RUN)).isEmpty();
    }

    @Test
    void every_cancel_variant_and_the_error_envelopes_conform() {
        assertThat(SPEC.violations(
                        "POST",
                        CANCEL,
                        200,
                        "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\",\"reason\":null}}"))
                .isEmpty();
        assertThat(SPEC.violations(
                        "POST",
                        CANCEL,
                        404,
                        "{\"detail\":{\"code\":\"run_not_found\",\"message\":\"m\",\"details\":{}}}"))
                .isEmpty();
        assertThat(SPEC.violations(
                        "POST",
                        "/v1/workflows/experiments/runs",
                        422,
                        "{\"detail\":[{\"loc\":[\"body\",0],\"msg\":\"m\",\"type\":\"json_invalid\"}]}"))
                .isEmpty();
        for (String status : new String[] {"pending", "queued", "running", "completed", "cancelled"}) {
            assertThat(SPEC.violationsOf("WorkflowExperimentRunLifecycle", "{\"status\":\"" + status + "\"}"))
                    .as(status)
                    .isEmpty();
        }
        assertThat(
                        SPEC.violationsOf(
                                "WorkflowExperimentRunLifecycle",
                                "{\"status\":\"error\",\"message\":\"m\",\"details\":{\"error_code\":\"x\",\"context\":{\"a\":1}}}"))
                .isEmpty();
    }

    @Test
    void a_lifecycle_without_status_is_rejected() {
        assertThat(SPEC.violations("POST", CANCEL, 200, "{\"id\":\"exprun_1\",\"lifecycle\":{\"reason\":\"x\"}}"))
                .isNotEmpty();
    }

    @Test
    void a_lifecycle_with_an_unknown_or_misspelled_status_is_rejected() {
        assertThat(SPEC.violations(
                        "POST", CANCEL, 200, "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"canceled\"}}"))
                .isNotEmpty();
        assertThat(SPEC.violationsOf("WorkflowExperimentRunLifecycle", "{\"status\":\"paused\"}"))
                .isNotEmpty();
    }

    @Test
    void a_run_missing_a_required_field_is_rejected() {
        String withoutFingerprint = VALID_RUN.replace("\"documents_fingerprint\":\"df\"", "\"score\":0.5");

        assertThat(SPEC.violations("GET", RUN, 200, withoutFingerprint))
                .anySatisfy(v -> assertThat(v).contains("documents_fingerprint"));
    }

    @Test
    void a_naive_timestamp_without_offset_is_rejected() {
        String naive = VALID_RUN.replace("2026-05-18T10:00:00Z", "2026-05-18T10:00:00");

        assertThat(SPEC.violations("GET", RUN, 200, naive)).isNotEmpty();
    }

    @Test
    void a_wrong_type_is_rejected() {
        String stringConsensus = VALID_RUN.replace("\"n_consensus\":3", "\"n_consensus\":\"3\"");

        assertThat(SPEC.violations("GET", RUN, 200, stringConsensus)).isNotEmpty();
    }

    @Test
    void a_status_the_operation_does_not_declare_is_rejected() {
        assertThat(SPEC.violations("POST", CANCEL, 500, "{\"detail\":{\"code\":\"x\",\"message\":\"y\"}}"))
                .singleElement()
                .asString()
                .contains("status not declared");
    }

    @Test
    void list_metadata_must_carry_both_cursors() {
        assertThat(SPEC.violations(
                        "GET",
                        "/v1/workflows/experiments/runs?limit=1",
                        200,
                        "{\"data\":[],\"list_metadata\":{\"before\":null}}"))
                .isNotEmpty();
        assertThat(SPEC.violations(
                        "GET",
                        "/v1/workflows/experiments/runs",
                        200,
                        "{\"data\":[],\"list_metadata\":{\"before\":null,\"after\":null}}"))
                .isEmpty();
    }
}
