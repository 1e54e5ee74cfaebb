package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Issue 23, item 1: HTTP/1.1 framing is decided strictly (RFC 9112), so that no front proxy can read a message one way
 * and exprun another (request smuggling). Each ambiguous message is refused in the contract's error envelope, the
 * connection is closed, and what the ambiguity would have smuggled in is never answered. Each case is sent as raw bytes
 * over a socket, and everything the server sends back until it hangs up is read and split into responses.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFramingTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String CREATE = "{\"experiment_id\":\"exp_demo\"}";
    /** Another tenant's request, hidden where a lenient reading would take it for the next request. */
    private static final String SMUGGLED =
            "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_B + "\r\n\r\n";

    private TestServer server;
    private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    private final Logger access = (Logger) LoggerFactory.getLogger("exprun.access");
    private Level levelBefore;

    @BeforeAll
    void start() {
        accessLog.start();
        levelBefore = access.getLevel();
        access.setLevel(Level.INFO); // the tests' logging config may keep it quiet
        access.addAppender(accessLog);
    }

    @AfterAll
    void stop() {
        access.detachAppender(accessLog);
        access.setLevel(levelBefore);
    }

    // ---- Transfer-Encoding that is not exactly "chunked", with and without Content-Length

    @ParameterizedTest
    @ValueSource(strings = {"identity, chunked", "gzip, chunked", "x, chunked", "chunked"})
    void transfer_encoding_with_content_length_is_refused_and_the_chunk_data_never_runs_as_a_request(String codings)
            throws Exception {
        // a proxy reading the chunks forwards one request; read by Content-Length, the chunk data is a second one
        String chunkLine = Integer.toHexString(SMUGGLED.length()) + "\r\n";
        String request = post("Content-Length: " + chunkLine.length() + "\r\nTransfer-Encoding: " + codings + "\r\n")
                + chunkLine + SMUGGLED + "\r\n0\r\n\r\n";

        assertRefused(exchange(request), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity, chunked", "gzip, chunked", "x, chunked"})
    void a_transfer_coding_before_chunked_is_refused_and_the_chunks_never_run_as_a_request(String codings)
            throws Exception {
        String request = post("Transfer-Encoding: " + codings + "\r\n") + chunked(SMUGGLED);

        assertRefused(exchange(request), 501); // RFC 9112 §6.1: a transfer coding the server does not understand
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked, identity", "chunked, chunked", "identity"})
    void chunked_not_the_final_coding_exactly_once_is_refused(String codings) throws Exception {
        String request = post("Transfer-Encoding: " + codings + "\r\n") + chunked(CREATE) + SMUGGLED;

        assertRefused(exchange(request), 400); // RFC 9112 §6.3: the length cannot be determined
    }

    @Test
    void transfer_encoding_split_over_two_fields_is_read_as_one_list() throws Exception {
        String request =
                post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n") + chunked(CREATE) + SMUGGLED;

        assertRefused(exchange(request), 400);
    }

    /**
     * RFC 9112 §6.1: the framing of an HTTP/1.0 message with a Transfer-Encoding is suspect, so the connection is
     * closed after the message is processed, and nothing that followed it is read (Jetty; Grizzly refused it, 400).
     */
    @Test
    void transfer_encoding_from_an_http_1_0_client_closes_the_connection_after_its_answer() throws Exception {
        String request = ("POST " + RUNS + " HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                + chunked(CREATE)
                + SMUGGLED;

        Exchange answer = exchange(request);

        assertThat(answer.responses()).hasSize(1);
        assertThat(answer.closed()).isTrue();
    }

    // ---- field syntax the parser used to bend

    @Test
    void whitespace_between_a_field_name_and_its_colon_is_refused() throws Exception {
        String request = post("Transfer-Encoding : chunked\r\nContent-Length: 0\r\n") + chunked(CREATE) + SMUGGLED;

        assertRefused(exchange(request), 400); // RFC 9112 §5.1
    }

    @Test
    void an_obs_folded_transfer_encoding_is_refused() throws Exception {
        String request = post("Transfer-Encoding:\r\n chunked\r\n") + chunked(SMUGGLED);

        assertRefused(exchange(request), 400); // RFC 9112 §5.2
    }

    @Test
    void an_obs_folded_authorization_is_refused_not_unfolded() throws Exception {
        String request = "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n " + KEY_A + "\r\n\r\n";

        assertRefused(exchange(request), 400);
    }

    @Test
    void a_field_line_without_a_colon_is_answered_400() throws Exception {
        String request = "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nno colon here\r\n\r\n" + SMUGGLED;

        assertRefused(exchange(request), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-A\u0000b: 1", "X-A: a\rb", "X(A): 1", ": empty name", "X-A\r: 1", "X-A: a\u0000b"})
    void a_bare_cr_a_nul_and_non_token_names_are_refused(String line) throws Exception {
        String request =
                "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A + "\r\n" + line + "\r\n\r\n";

        assertRefused(exchange(request), 400);
    }

    @Test
    void a_second_host_is_refused() throws Exception {
        String request =
                "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nHost: y\r\nAuthorization: Bearer " + KEY_A + "\r\n\r\n";

        assertRefused(exchange(request + SMUGGLED), 400); // RFC 9112 §3.2
    }

    @Test
    void connect_is_answered_not_implemented() throws Exception {
        Exchange answer = exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n" + SMUGGLED);

        assertRefused(answer, 501);
    }

    @Test
    void a_refusal_of_the_server_itself_is_in_the_envelope_and_seen_in_the_log_and_the_metrics() throws Exception {
        double before = counted("GET", 400);

        assertRefused(exchange("GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n" + SMUGGLED), 400);

        assertThat(counted("GET", 400)).isEqualTo(before + 1);
    }

    /**
     * A DELETE's content has no meaning (RFC 9110 §9.3.5) but is no framing error: Jetty reads it by its
     * Content-Length, and the operation answers. (Grizzly refused it, 400.)
     */
    @Test
    void a_delete_with_a_body_is_answered_by_the_api_in_the_envelope() throws Exception {
        Exchange answer = exchange("DELETE " + RUNS + "/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(answer.responses()).hasSize(1);
        assertThat(answer.responses().get(0).status()).isEqualTo(405);
        assertThat(answer.responses().get(0).json().at("/detail/code").asText()).isEqualTo("method_not_allowed");
        assertThat(answer.responses().get(0).header("x-request-id")).isNotBlank();
    }

    @Test
    void refusals_before_the_request_line_is_understood_are_counted_too() throws Exception {
        double before = counted("other", 400);

        assertRefused(exchange("GET " + RUNS + " HTTP/1.1 x\r\nHost: x\r\n\r\n" + SMUGGLED), 400);

        assertThat(counted("other", 400)).isEqualTo(before + 1);
    }

    // ---- what is well-formed keeps working (the negative controls of every check above)

    @Test
    void a_chunk_extension_is_ignored_as_rfc_9112_says() throws Exception {
        byte[] json = CREATE.getBytes(StandardCharsets.UTF_8);
        String body = Integer.toHexString(json.length) + ";ext=1\r\n" + CREATE + "\r\n0;last\r\n\r\n";

        Exchange answer = exchange(post("Transfer-Encoding: chunked\r\nConnection: close\r\n") + body);

        assertThat(answer.responses()).hasSize(1);
        assertThat(answer.responses().get(0).status()).isEqualTo(200);
    }

    @Test
    void a_chunk_longer_than_its_size_is_refused() throws Exception {
        String request = post("Transfer-Encoding: chunked\r\n") + "2\r\n{}XX\r\n0\r\n\r\n" + SMUGGLED;

        assertRefused(exchange(request), 400);
    }

    /**
     * RFC 9112 §7.1.1: a recipient must ignore chunk extensions, and may limit their length. Jetty reads an extension
     * of some kilobytes (ignored: the 40 bytes Grizzly's 16-byte size line refused are read as the RFC says) and
     * refuses one beyond the header size limit.
     */
    @Test
    void a_chunk_extension_beyond_the_header_size_limit_is_refused() throws Exception {
        String body = Integer.toHexString(CREATE.length()) + ";" + "x".repeat(40) + "\r\n" + CREATE + "\r\n0\r\n\r\n";
        Exchange ignored = exchange(post("Transfer-Encoding: chunked\r\nConnection: close\r\n") + body);
        assertThat(ignored.responses()).extracting(Response::status).containsExactly(200);

        String request = post("Transfer-Encoding: chunked\r\n") + "2;" + "x".repeat(16 * 1024) + "\r\n{}\r\n0\r\n\r\n";

        assertRefused(exchange(request), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1c\n", "1c;a=\"b\r\n", "1c;a=\"b\\\"\r\n"})
    void a_chunk_size_line_ended_by_a_bare_lf_or_an_unterminated_quote_is_refused(String sizeLine) throws Exception {
        String request = post("Transfer-Encoding: chunked\r\n") + sizeLine + CREATE + "\r\n0\r\n\r\n" + SMUGGLED;

        assertRefused(exchange(request), 400); // RFC 9112 §7.1 (CRLF), §5.6.4 (quoted-string)
    }

    @Test
    void a_well_formed_chunked_post_is_answered_normally() throws Exception {
        Exchange answer = exchange(post("Transfer-Encoding: chunked\r\nConnection: close\r\n") + chunked(CREATE));

        assertThat(answer.responses()).hasSize(1);
        assertThat(answer.responses().get(0).status()).isEqualTo(200);
        assertThat(answer.responses().get(0).json().path("experiment_id").asText())
                .isEqualTo("exp_demo");
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void a_keep_alive_pair_on_one_connection_is_answered_twice() throws Exception {
        String first = post("Content-Length: " + CREATE.length() + "\r\n") + CREATE;
        String second = "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nConnection: close\r\n\r\n";

        Exchange answer = exchange(first + second);

        assertThat(answer.responses()).extracting(Response::status).containsExactly(200, 200);
        assertThat(answer.responses().get(1).json().path("data")).isNotEmpty();
    }

    @Test
    void a_keep_alive_pair_split_across_writes_is_answered_twice() throws Exception {
        // the header sections arrive in pieces: the checks must wait for the whole section, not refuse a part
        String first = post("Content-Length: " + CREATE.length() + "\r\n") + CREATE;
        String second = "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nX-Folded-Looking: a\r\nConnection: close\r\n\r\n";
        String all = first + second;
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < all.length(); i += 7) {
            pieces.add(all.substring(i, Math.min(all.length(), i + 7)));
        }

        Exchange answer = exchange(pieces.toArray(String[]::new));

        assertThat(answer.responses()).extracting(Response::status).containsExactly(200, 200);
    }

    @Test
    void an_http_1_0_client_gets_the_contract_with_a_content_length_not_chunks() throws Exception {
        Exchange answer = exchange("GET /openapi.json HTTP/1.0\r\nHost: x\r\n\r\n");

        assertThat(answer.responses()).hasSize(1);
        Response response = answer.responses().get(0);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).doesNotContainKey("transfer-encoding");
        assertThat(response.headers()).containsKey("content-length");
        assertThat(Integer.parseInt(response.header("content-length")))
                .isEqualTo(response.body().length)
                .isGreaterThan(16 * 1024); // larger than what any buffer holds by default
        assertThat(response.json().path("openapi").asText()).startsWith("3.");
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void an_http_1_0_keep_alive_client_gets_content_lengths_on_one_connection() throws Exception {
        String get = "GET /openapi.json HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";

        Exchange answer = exchange(get + "GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n");

        assertThat(answer.responses()).extracting(Response::status).containsExactly(200, 200);
        assertThat(answer.responses().get(0).headers()).containsKey("content-length");
    }

    // ---- the assertions and the raw exchange

    /** One answer, the given status in the envelope, seen like any answer, the connection closed, nothing after. */
    private void assertRefused(Exchange answer, int status) throws IOException {
        assertThat(answer.responses())
                .as("exactly one answer: whatever followed the refused bytes is never answered")
                .hasSize(1);
        Response response = answer.responses().get(0);
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        JsonNode detail = response.json().path("detail");
        assertThat(detail.path("code").asText()).isNotBlank();
        assertThat(detail.path("message").asText()).isNotBlank();
        assertThat(detail.path("details").isObject()).isTrue();
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(answer.closed()).as("the server hung up").isTrue();
        String id = response.header("x-request-id");
        assertThat(id).isNotBlank();
        assertThat(accessLog.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(" " + status + " ", "id=" + id));
    }

    private static String post(String framingLines) {
        return "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                + "\r\nContent-Type: application/json\r\n" + framingLines + "\r\n";
    }

    private static String chunked(String body) {
        return Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body + "\r\n0\r\n\r\n";
    }

    private double counted(String method, int status) {
        Pattern line = Pattern.compile("(?m)^http_server_requests_seconds_count\\{method=\"" + method
                + "\",operation=\"other\",status=\"" + status + "\"} (\\S+)$");
        Matcher m =
                line.matcher(new Http(server.baseUri(), null).get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        JsonNode json() throws IOException {
            return JsonMapper.shared().readTree(body);
        }
    }

    /** Every response read until the server hung up ({@code closed}) or went quiet for the safety timeout. */
    record Exchange(List<Response> responses, boolean closed) {}

    /** Writes each piece (ISO-8859-1, flushed on its own) and reads until EOF; 10 s of silence ends it unclosed. */
    private Exchange exchange(String... pieces) throws IOException {
        try (Socket socket = new Socket(server.baseUri().getHost(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            for (String piece : pieces) {
                socket.getOutputStream().write(piece.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            boolean closed;
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    read.write(buffer, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (java.net.SocketException e) { // a reset after the answer: hung up all the same
                closed = true;
            }
            return new Exchange(parse(read.toByteArray()), closed);
        }
    }

    /** Splits what was read into responses, each framed by its Content-Length, chunks, or the end of the stream. */
    private static List<Response> parse(byte[] bytes) {
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int end = indexOf(bytes, "\r\n\r\n", at);
            if (end < 0) {
                throw new AssertionError("a truncated response head: "
                        + new String(bytes, at, bytes.length - at, StandardCharsets.ISO_8859_1));
            }
            String[] lines = new String(bytes, at, end - at, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            at = end + 4;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    int lineEnd = indexOf(bytes, "\r\n", at);
                    int size = Integer.parseInt(
                            new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0], 16);
                    at = lineEnd + 2;
                    if (size == 0) {
                        at = indexOf(bytes, "\r\n", at) + 2; // no trailers are sent
                        break;
                    }
                    body.write(bytes, at, size);
                    at += size + 2;
                }
            } else if (headers.containsKey("content-length")) {
                int length = Integer.parseInt(headers.get("content-length"));
                body.write(bytes, at, length);
                at += length;
            } else {
                body.write(bytes, at, bytes.length - at);
                at = bytes.length;
            }
            responses.add(new Response(status, headers, body.toByteArray()));
        }
        return responses;
    }

    private static int indexOf(byte[] bytes, String what, int from) {
        byte[] needle = what.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
