package io.exprun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.client.generated.ApiClient;
import io.exprun.client.generated.model.BlockType;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.CancelledWorkflowExperimentResult;
import io.exprun.client.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.client.generated.model.CompletedWorkflowExperimentResult;
import io.exprun.client.generated.model.CompletedWorkflowExperimentRun;
import io.exprun.client.generated.model.ErrorWorkflowExperimentResult;
import io.exprun.client.generated.model.ErrorWorkflowExperimentRun;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.PendingWorkflowExperimentResult;
import io.exprun.client.generated.model.PendingWorkflowExperimentRun;
import io.exprun.client.generated.model.QueuedWorkflowExperimentResult;
import io.exprun.client.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.client.generated.model.RunningWorkflowExperimentResult;
import io.exprun.client.generated.model.RunningWorkflowExperimentRun;
import io.exprun.client.generated.model.WorkflowExperimentResultLifecycle;
import io.exprun.client.generated.model.WorkflowExperimentRunLifecycle;
import io.exprun.client.generated.rules.LifecycleStatus;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated client models honour both six-variant lifecycle unions (through the spec's discriminator mapping),
 * and the client's ObjectMapper adds forward compatibility for statuses it does not know.
 */
class LifecycleUnionClientModelTest {

    private static final ObjectMapper CLIENT = ExprunClient.builder()
            .baseUrl("http://127.0.0.1:1")
            .build()
            .apiClient()
            .getObjectMapper();
    private static final ObjectMapper GENERATED = ApiClient.createDefaultObjectMapper();

    static Stream<Arguments> runVariants() {
        return Stream.of(
                Arguments.of("pending", PendingWorkflowExperimentRun.class, RunLifecycle.Kind.PENDING),
                Arguments.of("queued", QueuedWorkflowExperimentRun.class, RunLifecycle.Kind.QUEUED),
                Arguments.of("running", RunningWorkflowExperimentRun.class, RunLifecycle.Kind.RUNNING),
                Arguments.of("completed", CompletedWorkflowExperimentRun.class, RunLifecycle.Kind.COMPLETED),
                Arguments.of("error", ErrorWorkflowExperimentRun.class, RunLifecycle.Kind.ERROR),
                Arguments.of("cancelled", CancelledWorkflowExperimentRun.class, RunLifecycle.Kind.CANCELLED));
    }

    static Stream<Arguments> resultVariants() {
        return Stream.of(
                Arguments.of("pending", PendingWorkflowExperimentResult.class, RunLifecycle.Kind.PENDING),
                Arguments.of("queued", QueuedWorkflowExperimentResult.class, RunLifecycle.Kind.QUEUED),
                Arguments.of("running", RunningWorkflowExperimentResult.class, RunLifecycle.Kind.RUNNING),
                Arguments.of("completed", CompletedWorkflowExperimentResult.class, RunLifecycle.Kind.COMPLETED),
                Arguments.of("error", ErrorWorkflowExperimentResult.class, RunLifecycle.Kind.ERROR),
                Arguments.of("cancelled", CancelledWorkflowExperimentResult.class, RunLifecycle.Kind.CANCELLED));
    }

    @ParameterizedTest
    @MethodSource("runVariants")
    void each_run_lifecycle_status_decodes_to_its_own_variant(String status, Class<?> variant, RunLifecycle.Kind kind)
            throws Exception {
        for (ObjectMapper mapper : new ObjectMapper[] {CLIENT, GENERATED}) {
            WorkflowExperimentRunLifecycle decoded =
                    mapper.readValue("{\"status\":\"" + status + "\"}", WorkflowExperimentRunLifecycle.class);

            assertThat(decoded.getActualInstance()).isExactlyInstanceOf(variant);
            assertThat(RunLifecycle.of(decoded).kind()).isEqualTo(kind);
            assertThat(RunLifecycle.of(decoded).status()).isEqualTo(status);
        }
    }

    @ParameterizedTest
    @MethodSource("resultVariants")
    void each_result_lifecycle_status_decodes_to_its_own_variant(
            String status, Class<?> variant, RunLifecycle.Kind kind) throws Exception {
        for (ObjectMapper mapper : new ObjectMapper[] {CLIENT, GENERATED}) {
            WorkflowExperimentResultLifecycle decoded =
                    mapper.readValue("{\"status\":\"" + status + "\"}", WorkflowExperimentResultLifecycle.class);

            assertThat(decoded.getActualInstance()).isExactlyInstanceOf(variant);
            assertThat(RunLifecycle.of(decoded).kind()).isEqualTo(kind);
        }
    }

    @ParameterizedTest
    @MethodSource("runVariants")
    void encoding_a_run_variant_writes_status_exactly_once(String status, Class<?> variant) throws Exception {
        Object instance = variant.getDeclaredConstructor().newInstance();
        WorkflowExperimentRunLifecycle union = new WorkflowExperimentRunLifecycle();
        union.setActualInstance(instance);

        String json = CLIENT.writeValueAsString(union);

        assertThat(occurrences(json, "\"status\"")).as(json).isEqualTo(1);
        assertThat(json).contains("\"status\":\"" + status + "\"");
    }

    @ParameterizedTest
    @MethodSource("resultVariants")
    void encoding_a_result_variant_writes_status_exactly_once(String status, Class<?> variant) throws Exception {
        Object instance = variant.getDeclaredConstructor().newInstance();
        WorkflowExperimentResultLifecycle union = new WorkflowExperimentResultLifecycle();
        union.setActualInstance(instance);

        String json = CLIENT.writeValueAsString(union);

        assertThat(occurrences(json, "\"status\"")).as(json).isEqualTo(1);
        assertThat(json).contains("\"status\":\"" + status + "\"");
    }

    @ParameterizedTest
    @MethodSource("runVariants")
    void a_status_is_terminal_exactly_when_the_spec_says_so(String status, Class<?> variant, RunLifecycle.Kind kind)
            throws Exception {
        RunLifecycle lifecycle = RunLifecycle.of(
                CLIENT.readValue("{\"status\":\"" + status + "\"}", WorkflowExperimentRunLifecycle.class));

        assertThat(lifecycle.isTerminal())
                .isEqualTo(List.of("completed", "error", "cancelled").contains(status));
        assertThat(kind.name()).isEqualTo(LifecycleStatus.parse(status).name());
    }

    @Test
    void the_kinds_are_the_specs_statuses_and_unknown() {
        assertThat(Arrays.stream(RunLifecycle.Kind.values()).map(Enum::name))
                .containsExactlyElementsOf(
                        Stream.concat(Arrays.stream(LifecycleStatus.values()).map(Enum::name), Stream.of("UNKNOWN"))
                                .toList());
    }

    @Test
    void an_error_without_message_gets_the_spec_default() throws Exception {
        WorkflowExperimentRunLifecycle decoded =
                CLIENT.readValue("{\"status\":\"error\"}", WorkflowExperimentRunLifecycle.class);

        assertThat(((ErrorWorkflowExperimentRun) decoded.getActualInstance()).getMessage())
                .isEqualTo("(no message)");
    }

    @Test
    void nullable_fields_round_trip() throws Exception {
        CancelWorkflowExperimentRunResponse decoded = CLIENT.readValue(
                "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\",\"reason\":null}}",
                CancelWorkflowExperimentRunResponse.class);
        assertThat(((CancelledWorkflowExperimentRun) decoded.getLifecycle().getActualInstance()).getReason())
                .isNull();

        WorkflowExperimentRunLifecycle error = CLIENT.readValue(
                "{\"status\":\"error\",\"message\":\"boom\",\"details\":null}", WorkflowExperimentRunLifecycle.class);
        RunLifecycle.Failed failed = (RunLifecycle.Failed) RunLifecycle.of(error);
        assertThat(failed.message()).isEqualTo("boom");
        assertThat(failed.details()).isNull();

        String reencoded = CLIENT.writeValueAsString(decoded);
        assertThat(CLIENT.readValue(reencoded, CancelWorkflowExperimentRunResponse.class))
                .isEqualTo(decoded);
    }

    @Test
    void an_unknown_status_decodes_to_the_unknown_variant_keeping_the_raw_json() throws Exception {
        WorkflowExperimentRunLifecycle decoded = CLIENT.readValue(
                "{\"status\":\"paused\",\"until\":\"tomorrow\"}", WorkflowExperimentRunLifecycle.class);

        RunLifecycle.Unknown unknown = (RunLifecycle.Unknown) RunLifecycle.of(decoded);
        assertThat(unknown.status()).isEqualTo("paused");
        assertThat(unknown.raw().get("until").asText()).isEqualTo("tomorrow");
        assertThat(unknown.isTerminal()).isFalse();
    }

    @Test
    void an_unknown_result_status_and_block_type_do_not_fail_the_whole_result() throws Exception {
        ExperimentResult result = CLIENT.readValue("""
                {"id":"expres_1","experiment_run_id":"exprun_1","experiment_id":"exp","document_id":"doc",
                 "lifecycle":{"status":"retrying"},"timing":{"created_at":"2026-05-18T10:00:00Z"},
                 "block_type":"summarize"}""", ExperimentResult.class);

        assertThat(RunLifecycle.of(result.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.UNKNOWN);
        assertThat(result.getBlockType()).isEqualTo(BlockType.UNKNOWN_DEFAULT_OPEN_API);
    }

    @Test
    void a_missing_status_is_a_clear_error_never_a_silent_null() {
        assertThatThrownBy(() -> CLIENT.readValue("{\"reason\":\"x\"}", WorkflowExperimentRunLifecycle.class))
                .hasMessageContaining("status");
        assertThatThrownBy(() -> CLIENT.readValue("{\"status\":5}", WorkflowExperimentResultLifecycle.class))
                .hasMessageContaining("status");
    }

    private static int occurrences(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
