package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 32: a client that sends {@code Expect: 100-continue} waits for the server's word before it sends its body
 * (RFC 9110 §10.1.1). On Grizzly it never came, and the request ended in a 408 after 10 s. Now the server says
 * {@code 100 Continue} once it wants the body, and refuses a body over the limit by its Content-Length with 413 before
 * a byte of it is sent. Each exchange is raw bytes over a socket, in the order a client would send them.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpectContinueTest {

    private static final String CREATE = "{\"experiment_id\":\"exp_demo\"}";

    private TestServer server;

    @Test
    void the_server_says_100_continue_then_answers_the_body_it_asked_for() throws IOException {
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(CREATE.length()));
            out.flush();

            assertThat(line(socket.getInputStream())).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(line(socket.getInputStream())).isEmpty();

            out.write(CREATE.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\"experiment_id\":\"exp_demo\"");
        }
    }

    @Test
    void a_content_length_over_the_limit_is_refused_413_before_the_body_and_the_connection_closed() throws IOException {
        try (Socket socket = socket()) {
            socket.getOutputStream().write(head(JsonMapper.MAX_BUFFERED_BODY_BYTES + 1L));
            socket.getOutputStream().flush();

            // the whole answer, and the end of the stream, without a byte of the body sent
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
            assertThat(answer).contains("\"code\":\"http_413\"");
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket(server.baseUri().getHost(), server.port());
        socket.setSoTimeout(10_000); // a server that waits for the body (the old one) fails the read
        return socket;
    }

    private static byte[] head(long contentLength) {
        return ("POST /v1/workflows/experiments/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                        + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One CRLF-ended line, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
