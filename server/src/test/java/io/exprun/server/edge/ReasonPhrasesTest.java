package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 23, item 10: the status line carries the status's registered reason phrase, whoever answered: Jersey, a
 * filter, the edge or Jetty itself. Grizzly knew no phrase for 422 or 429 and wrote {@code CUSTOM}. Jetty writes the
 * registry's names as RFC 7231 and RFC 4918 gave them, {@code Payload Too Large} and {@code Unprocessable Entity}, where
 * RFC 9110 has since renamed them (Content Too Large, Unprocessable Content): a phrase is for people, and RFC 9112 §4
 * has clients ignore it. Read as raw bytes over a socket, since HTTP clients do not show the phrase.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReasonPhrasesTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";

    private TestServer server;
    private Http api;

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "GET    | " + RUNS + "?limit=0        | 422 Unprocessable Entity", // Bean Validation, in Jersey
                "GET    | " + RUNS + "?after=%00      | 422 Unprocessable Entity", // a request filter
                "GET    | " + RUNS + "?limit=%zz      | 400 Bad Request", // no URI: Jersey's container refuses it
                "POST   | " + RUNS + "                | 422 Unprocessable Entity", // an exception mapper (no body)
                "GET    | " + RUNS + "/exprun_none    | 404 Not Found",
                "DELETE | " + RUNS + "                | 405 Method Not Allowed",
                "GET    | " + RUNS + "                | 200 OK"
            })
    void each_answer_has_its_standard_reason_phrase(String method, String target, String status) {
        String line = api.statusLine(method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(line).isEqualTo("HTTP/1.1 " + status);
    }

    @Test
    void unauthenticated_unsupported_encoding_and_unparseable_have_theirs_too() {
        assertThat(api.statusLine("GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(api.statusLine("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                        + "\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n"
                        + "Connection: close\r\n\r\n{}"))
                .isEqualTo("HTTP/1.1 415 Unsupported Media Type");
        assertThat(api.statusLine("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"))
                .isEqualTo("HTTP/1.1 400 Bad Request");
    }
}
