package io.exprun.server.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.spec.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error bodies written outside Jersey are the contract's models written by the one ObjectMapper. */
class ErrorResponsesTest {

    @Test
    void an_envelope_written_as_text_keeps_its_message_whole() throws Exception {
        String message = "a \"quoted\" path C:\\runs\\x, a tab\there and a line\nbreak, ünïcødé";

        JsonNode body = JsonMapper.shared().readTree(ErrorResponses.envelopeJson("not_found", message));

        assertThat(body.at("/detail/code").asText()).isEqualTo("not_found");
        assertThat(body.at("/detail/message").asText()).isEqualTo(message);
        assertThat(body.at("/detail/details").isObject()).isTrue();
    }

    @Test
    void an_envelope_without_a_message_still_says_something() throws Exception {
        JsonNode body = JsonMapper.shared().readTree(ErrorResponses.envelopeJson("http_400", " "));

        assertThat(body.at("/detail/message").asText()).isEqualTo("Request rejected");
    }

    @Test
    void a_validation_body_written_as_text_is_the_422_model() throws Exception {
        JsonNode body = JsonMapper.shared()
                .readTree(ErrorResponses.validationJson(
                        List.of(ErrorResponses.error(List.of("query"), "bad \"q\"", "value_error", null))));

        assertThat(body.at("/detail/0/loc/0").asText()).isEqualTo("query");
        assertThat(body.at("/detail/0/msg").asText()).isEqualTo("bad \"q\"");
        assertThat(body.at("/detail/0/type").asText()).isEqualTo("value_error");
    }
}
