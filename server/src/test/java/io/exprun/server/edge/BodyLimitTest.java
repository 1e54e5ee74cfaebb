package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The body limit ({@link JsonMapper#MAX_BODY_BYTES}): a JSON body just over it reaches the parser and is answered
 * 422 {@code too_long}; one far over it is refused at the front door with 413 in the contract's envelope, before the
 * server has read it all, and the connection is closed. Nothing is stored either way.
 */
@ExprunServerTest
class BodyLimitTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static TestServer server;

    @Test
    void a_json_body_just_over_the_limit_is_a_422_too_long_naming_the_body() {
        Http api = new Http(server.baseUri(), KEY_A);
        String body = "{\"experiment_id\":\"" + "x".repeat(JsonMapper.MAX_BODY_BYTES) + "\"}";

        Http.Answer answer = api.postJson(RUNS, body);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/type").asText()).isEqualTo("too_long");
        assertThat(answer.json().at("/detail/0/loc/0").asText()).isEqualTo("body");
        assertThat(api.get(RUNS).json().path("data")).isEmpty();
    }

    @Test
    void a_body_far_over_the_limit_is_refused_at_the_door_with_413_and_the_connection_closed() throws Exception {
        int sent = JsonMapper.MAX_BUFFERED_BODY_BYTES + 1; // one byte over what the door buffers: the rest never comes
        String answer;
        try (Socket s = new Socket(server.baseUri().getHost(), server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + (sent + 1_000_000)
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] body = new byte[sent];
            java.util.Arrays.fill(body, (byte) ' ');
            out.write(body);
            out.flush();
            // the server answers without waiting for the million bytes still declared, and closes
            answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(answer).startsWith("HTTP/1.1 413 Payload Too Large\r\n"); // Jetty's phrase (RFC 9110: Content…)
        assertThat(answer.toLowerCase()).contains("connection: close");
        String json = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        JsonNode body = JsonMapper.shared().readTree(json);
        assertThat(body.at("/detail/code").asText()).isEqualTo("http_413");
        assertThat(SpecConformance.load().violations("POST", RUNS, 413, json))
                .as("declared by the spec")
                .isEmpty();
        assertThat(new Http(server.baseUri(), KEY_A).get(RUNS).json().path("data"))
                .isEmpty();
    }
}
