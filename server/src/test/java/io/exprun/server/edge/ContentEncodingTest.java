package io.exprun.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.contract.SpecConformance;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 23, item 10: the server decodes no content coding, so a request in one is refused with 415 in the contract's
 * envelope and {@code Accept-Encoding: identity} (RFC 9110, 15.5.16), before anything reads the body. It used to be
 * ignored: plain JSON labelled gzip created a run (200), real gzip was a 422 JSON decode error.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentEncodingTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String BODY = "{\"experiment_id\":\"exp_demo\"}";

    private final SpecConformance spec = SpecConformance.load();
    private TestServer server;
    private Http api;

    private long storedRuns() {
        return server.server().store().countRunsByStatus().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    @Test
    void plain_json_labelled_gzip_is_415_and_creates_nothing() {
        long before = storedRuns();

        Http.Answer answer = create("gzip", BODY.getBytes(StandardCharsets.UTF_8));

        assertUnsupported("POST", RUNS, answer);
        assertThat(storedRuns()).isEqualTo(before);
    }

    @Test
    void a_real_gzip_body_is_415_not_a_json_decode_error() throws IOException {
        long before = storedRuns();

        Http.Answer answer = create("gzip", gzip(BODY));

        assertUnsupported("POST", RUNS, answer);
        assertThat(storedRuns()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "deflate", "x-unknown", "identity, gzip", "GZIP"})
    void every_coding_but_identity_is_415_on_every_operation(String coding) {
        for (SpecConformance.Operation op : spec.operations()) {
            String path = op.template().replaceAll("\\{[^}]+}", "exprun_none");
            HttpRequest.Builder request = api.builder(path)
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding)
                    .method(
                            op.method().toUpperCase(java.util.Locale.ROOT),
                            // a GET or DELETE has no content in the contract: the header alone is what is refused
                            "get".equalsIgnoreCase(op.method()) || "delete".equalsIgnoreCase(op.method())
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(BODY));

            assertUnsupported(op.method(), path, api.send(request));
        }
    }

    /** Negative control: identity, in any spelling, or no Content-Encoding at all, is an ordinary request. */
    @ParameterizedTest
    @ValueSource(strings = {"identity", "IDENTITY", " identity ", "identity, identity", ""})
    void identity_or_nothing_creates_a_run(String coding) {
        long before = storedRuns();

        Http.Answer answer =
                coding.isEmpty() ? api.postJson(RUNS, BODY) : create(coding, BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(storedRuns()).isEqualTo(before + 1);
    }

    private Http.Answer create(String coding, byte[] body) {
        return api.send(api.builder(RUNS)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", coding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private void assertUnsupported(String method, String path, Http.Answer answer) {
        assertThat(answer.status()).as("%s %s: %s", method, path, answer.body()).isEqualTo(415);
        assertThat(answer.errorCode()).isEqualTo("unsupported_content_encoding");
        assertThat(answer.headers().firstValue("Accept-Encoding")).hasValue("identity");
        assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(spec.violations(method.toUpperCase(java.util.Locale.ROOT), path, 415, answer.body()))
                .as("%s %s", method, path)
                .isEmpty();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
