package io.exprun.server.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.NoErrorLogs;
import io.exprun.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 422's {@code loc} names the field as the client sent it: wire names, list indexes and map keys all the way down
 * (issue 31: a bad document was located at {@code ["body","documents",0,"handleInputs"]}, a Java name, and nested
 * items had no index).
 */
@ExtendWith(NoErrorLogs.class)
@ExprunServerTest
class ValidationLocationsTest {

    private static final String EXPERIMENTS = "/v1/workflows/experiments";
    private static TestServer server;
    private static Http api;

    @Test
    void a_document_without_handle_inputs_is_located_by_its_index_and_wire_name() {
        assertThat(locations("{\"workflow_id\":\"wf\",\"documents\":[{\"handle_inputs\":{\"d\":{\"type\":\"file\","
                        + "\"document\":{\"id\":\"a\"}}}},{\"handle_inputs\":{}}]}"))
                .containsExactly(List.of("body", "documents", 1, "handle_inputs"));
    }

    @Test
    void a_capture_with_too_long_a_run_id_is_located_by_its_index_and_wire_name() {
        assertThat(locations("{\"workflow_id\":\"wf\",\"document_captures\":[{\"run_id\":\"exprun_a\"},{\"run_id\":\""
                        + "r".repeat(65) + "\"}]}"))
                .containsExactly(List.of("body", "document_captures", 1, "run_id"));
    }

    @Test
    void a_top_level_field_keeps_its_wire_name() {
        assertThat(locations("{\"workflow_id\":\"\",\"n_consensus\":3}"))
                .containsExactly(List.of("body", "workflow_id"));
    }

    private static List<List<Object>> locations(String body) {
        Http.Answer answer = api.postJson(EXPERIMENTS, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        List<List<Object>> all = new ArrayList<>();
        answer.json().get("detail").forEach(error -> {
            List<Object> loc = new ArrayList<>();
            error.get("loc").forEach(n -> loc.add(n.isInt() ? n.intValue() : n.asText()));
            all.add(loc);
        });
        return all;
    }
}
