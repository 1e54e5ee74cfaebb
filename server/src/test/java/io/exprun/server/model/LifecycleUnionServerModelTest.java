package io.exprun.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import io.exprun.server.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.server.generated.model.CancelledWorkflowExperimentResult;
import io.exprun.server.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.server.generated.model.CompletedWorkflowExperimentResult;
import io.exprun.server.generated.model.CompletedWorkflowExperimentRun;
import io.exprun.server.generated.model.ErrorWorkflowExperimentResult;
import io.exprun.server.generated.model.ErrorWorkflowExperimentRun;
import io.exprun.server.generated.model.PendingWorkflowExperimentResult;
import io.exprun.server.generated.model.PendingWorkflowExperimentRun;
import io.exprun.server.generated.model.QueuedWorkflowExperimentResult;
import io.exprun.server.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.server.generated.model.RunningWorkflowExperimentResult;
import io.exprun.server.generated.model.RunningWorkflowExperimentRun;
import io.exprun.server.generated.model.WorkflowExperimentResultLifecycle;
import io.exprun.server.generated.model.WorkflowExperimentRunLifecycle;
import io.exprun.server.spec.JsonMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated server models honour both six-variant lifecycle unions, with the server's one ObjectMapper:
 * each status decodes to its own class, and encoding writes {@code status} exactly once with the spec's defaults.
 */
class LifecycleUnionServerModelTest {

    private static final ObjectMapper JSON = JsonMapper.shared();

    static Stream<Arguments> runVariants() {
        return Stream.of(
                Arguments.of("pending", PendingWorkflowExperimentRun.class),
                Arguments.of("queued", QueuedWorkflowExperimentRun.class),
                Arguments.of("running", RunningWorkflowExperimentRun.class),
                Arguments.of("completed", CompletedWorkflowExperimentRun.class),
                Arguments.of("error", ErrorWorkflowExperimentRun.class),
                Arguments.of("cancelled", CancelledWorkflowExperimentRun.class));
    }

    static Stream<Arguments> resultVariants() {
        return Stream.of(
                Arguments.of("pending", PendingWorkflowExperimentResult.class),
                Arguments.of("queued", QueuedWorkflowExperimentResult.class),
                Arguments.of("running", RunningWorkflowExperimentResult.class),
                Arguments.of("completed", CompletedWorkflowExperimentResult.class),
                Arguments.of("error", ErrorWorkflowExperimentResult.class),
                Arguments.of("cancelled", CancelledWorkflowExperimentResult.class));
    }

    @ParameterizedTest
    @MethodSource("runVariants")
    void each_run_lifecycle_status_decodes_to_its_own_variant(String status, Class<?> variant) throws Exception {
        WorkflowExperimentRunLifecycle decoded =
                JSON.readValue("{\"status\":\"" + status + "\"}", WorkflowExperimentRunLifecycle.class);

        assertThat(decoded).isExactlyInstanceOf(variant);
        assertThat(decoded.getStatus()).hasToString(status);
    }

    @ParameterizedTest
    @MethodSource("resultVariants")
    void each_result_lifecycle_status_decodes_to_its_own_variant(String status, Class<?> variant) throws Exception {
        WorkflowExperimentResultLifecycle decoded =
                JSON.readValue("{\"status\":\"" + status + "\"}", WorkflowExperimentResultLifecycle.class);

        assertThat(decoded).isExactlyInstanceOf(variant);
        assertThat(decoded.getStatus()).hasToString(status);
    }

    @ParameterizedTest
    @MethodSource("runVariants")
    void encoding_a_run_variant_writes_status_exactly_once(String status, Class<?> variant) throws Exception {
        Object instance = variant.getDeclaredConstructor().newInstance();

        String json = JSON.writerFor(WorkflowExperimentRunLifecycle.class).writeValueAsString(instance);

        assertThat(occurrences(json, "\"status\"")).as(json).isEqualTo(1);
        assertThat(json).contains("\"status\":\"" + status + "\"");
    }

    @ParameterizedTest
    @MethodSource("resultVariants")
    void encoding_a_result_variant_writes_status_exactly_once(String status, Class<?> variant) throws Exception {
        Object instance = variant.getDeclaredConstructor().newInstance();

        String json = JSON.writerFor(WorkflowExperimentResultLifecycle.class).writeValueAsString(instance);

        assertThat(occurrences(json, "\"status\"")).as(json).isEqualTo(1);
        assertThat(json).contains("\"status\":\"" + status + "\"");
    }

    @Test
    void an_error_without_message_gets_the_spec_default() throws Exception {
        ErrorWorkflowExperimentRun decoded = (ErrorWorkflowExperimentRun)
                JSON.readValue("{\"status\":\"error\"}", WorkflowExperimentRunLifecycle.class);

        assertThat(decoded.getMessage()).isEqualTo("(no message)");
        assertThat(JSON.writeValueAsString(new ErrorWorkflowExperimentRun())).contains("\"message\":\"(no message)\"");
    }

    @Test
    void nullable_fields_round_trip_as_explicit_nulls() throws Exception {
        String cancelled = "{\"id\":\"exprun_1\",\"lifecycle\":{\"status\":\"cancelled\",\"reason\":null}}";
        CancelWorkflowExperimentRunResponse decoded =
                JSON.readValue(cancelled, CancelWorkflowExperimentRunResponse.class);

        assertThat(((CancelledWorkflowExperimentRun) decoded.getLifecycle()).getReason())
                .isNull();
        String encoded = JSON.writeValueAsString(decoded);
        assertThat(encoded).contains("\"reason\":null");
        assertThat(occurrences(encoded, "\"status\"")).isEqualTo(1);

        ErrorWorkflowExperimentRun error = (ErrorWorkflowExperimentRun) JSON.readValue(
                "{\"status\":\"error\",\"message\":\"boom\",\"details\":null}", WorkflowExperimentRunLifecycle.class);
        assertThat(error.getDetails()).isNull();
        assertThat(JSON.writeValueAsString(error)).contains("\"details\":null").contains("\"message\":\"boom\"");
    }

    @Test
    void an_unknown_or_missing_status_is_a_clear_error_not_a_null() {
        assertThatThrownBy(() -> JSON.readValue("{\"status\":\"paused\"}", WorkflowExperimentRunLifecycle.class))
                .isInstanceOf(InvalidTypeIdException.class)
                .hasMessageContaining("paused");
        assertThatThrownBy(() -> JSON.readValue("{\"reason\":\"x\"}", WorkflowExperimentRunLifecycle.class))
                .isInstanceOf(InvalidTypeIdException.class)
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
