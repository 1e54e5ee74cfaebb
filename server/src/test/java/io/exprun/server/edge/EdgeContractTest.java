package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request edge, probed as an attacker would: each test is one reproduction from the issue that found it, and
 * failed before the fix. Runs once per database ({@link EdgeOnSqliteTest}, {@link EdgeOnPostgresTest}): what a database
 * cannot hold must be refused before any SQL runs, on both. Each subclass names its database in its
 * {@link ExprunServerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EdgeContractTest {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";

    private final SpecConformance spec = SpecConformance.load();
    private TestServer server;
    private Http api;
    private Run run;

    @BeforeAll
    void makeARunningRun() {
        run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
    }

    private long storedRuns() {
        return server.server().store().countRunsByStatus().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    // ---- authentication is decided by what was matched, not by the path text ----------------------------------

    @Test
    void listing_runs_through_a_matrix_parameter_without_a_key_is_401_not_500() {
        Http.Answer answer = api.raw("GET", "/v1;x=y/workflows/experiments/runs", "");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(answer.errorCode()).isEqualTo("unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"experiment_id\":\"exp_demo\"}"})
    void creating_a_run_through_a_matrix_parameter_without_a_key_is_401_before_the_body_is_read(String body) {
        long before = storedRuns();
        Http.Answer answer = api.exchange("POST /v1;a=b/workflows/experiments/runs HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.errorCode()).isEqualTo("unauthorized");
        assertThat(storedRuns()).isEqualTo(before);
    }

    @Test
    void an_empty_bearer_token_says_the_key_is_missing() {
        Http.Answer answer = api.raw("GET", RUNS, "Authorization: Bearer \r\n");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().at("/detail/message").asText()).startsWith("Missing API key");
    }

    // ---- values no database can hold are refused before SQL ---------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "to_date=%2B999999999-12-31",
                "from_date=-999999999-01-01",
                "from_date=%2B10000-01-01",
                "to_date=12345-01-01"
            })
    void a_date_outside_rfc_3339_full_date_is_422_not_500(String query) {
        Http.Answer answer = api.raw("GET", RUNS + "?" + query);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc/0").asText()).isEqualTo("query");
        assertThat(answer.json().at("/detail/0/loc/1").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
        assertThat(spec.violations("GET", RUNS, 422, answer.body())).isEmpty();
    }

    /** Jetty refuses a path with an encoded NUL before anything looks it up (on Grizzly: 404 from the lookup). */
    @ParameterizedTest
    @ValueSource(strings = {"GET " + RUNS + "/abc%00", "POST " + RUNS + "/abc%00/cancel", "GET " + RESULTS + "/r%00x"})
    void a_nul_byte_in_an_id_is_refused_400_never_503(String request) {
        String[] parts = request.split(" ");
        Http.Answer answer = api.raw(parts[0], parts[1]);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("bad_request");
        assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                RESULTS + "?run_id=%00",
                RUNS + "?after=%00",
                RUNS + "?before=a%00",
                RUNS + "?workflow_id=%00",
                RUNS + "?experiment_id=x%00y",
                RUNS + "?trigger_type=%00",
                RESULTS + "?run_id=x&after=%00"
            })
    void a_nul_byte_in_a_query_value_is_422_naming_the_parameter_never_503(String target) {
        Http.Answer answer = api.raw("GET", target);

        assertThat(answer.status()).isEqualTo(422);
        String query = target.substring(target.indexOf('?') + 1);
        String last = query.substring(query.lastIndexOf('&') + 1);
        String name = last.substring(0, last.indexOf('='));
        assertThat(answer.json().at("/detail/0/loc").toString()).isEqualTo("[\"query\",\"" + name + "\"]");
        assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
    }

    /**
     * Issue 23, item 8. No client library sends a NUL in a header, but a raw byte over a socket arrives as U+0000 in
     * the header's value (a percent-escape is not decoded in a header: {@code a%00b} is stored as those five
     * characters). Before the fix: 500 on PostgreSQL, 200 on SQLite. Jetty refuses a NUL in any field value (RFC 9110
     * §5.5 lets a recipient reject it) before the operation sees it (on Grizzly: 422 at the header, from the
     * operation's check, which stays for what another transport may pass).
     */
    @ParameterizedTest
    @ValueSource(strings = {"Idempotency-Key: key\u0000", "X-Note: a\u0000b"})
    void a_nul_byte_in_a_header_is_refused_and_creates_nothing(String line) {
        long before = storedRuns();

        Http.Answer answer = api.exchange(create(line + System.nanoTime() + "\r\n"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("bad_request");
        assertThat(answer.headers().firstValue("Connection")).hasValue("close");
        assertThat(storedRuns()).isEqualTo(before);
    }

    @Test
    void an_idempotency_key_without_nul_still_creates_a_run() {
        for (String key : new String[] {"key-" + System.nanoTime(), "key%00" + System.nanoTime()}) {
            long before = storedRuns();

            Http.Answer answer = api.exchange(create("Idempotency-Key: " + key + "\r\n"));

            assertThat(answer.status()).as(key + ": " + answer.body()).isEqualTo(200);
            assertThat(storedRuns()).isEqualTo(before + 1);
        }
    }

    private static String create(String headerLines) {
        String body = "{\"experiment_id\":\"exp_demo\"}";
        return "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A + "\r\nContent-Type: "
                + "application/json\r\n" + headerLines + "Content-Length: " + body.length() + "\r\nConnection: close"
                + "\r\n\r\n" + body;
    }

    @Test
    void the_running_run_is_untouched_by_the_probing() {
        assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("running");
    }

    // ---- metrics cannot be grown by a caller ------------------------------------------------------------------

    @Test
    void invented_http_methods_do_not_create_metric_series() {
        Random random = new Random(7);
        // warm up: the series an invented method can reach (405 on an API path, 404 elsewhere, the scrape) exist now
        api.as(null).raw("FOO", RUNS, "");
        api.as(null).raw("FOO", "/nope", "");
        api.as(null).get("/metrics");
        int seriesBefore = series(api.as(null).get("/metrics").body());
        for (int i = 0; i < 300; i++) {
            String method =
                    "X" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).toUpperCase();
            assertThat(api.as(null)
                            .raw(method, i % 2 == 0 ? RUNS : "/nope/" + i, "")
                            .status())
                    .isLessThan(500);
        }
        String scrape = api.as(null).get("/metrics").body();

        assertThat(series(scrape)).isEqualTo(seriesBefore);
        assertThat(scrape).doesNotContain("method=\"X");
    }

    private static int series(String scrape) {
        Matcher m =
                Pattern.compile("(?m)^http_server_requests_seconds_count\\{").matcher(scrape);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    // ---- every answer is JSON in the contract's shape, with a request id --------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                // Jersey's own refusals keep the connection open (Connection: close ends the exchange)
                "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nContent-Type: ;;;\r\nAuthorization: Bearer " + KEY_A
                        + "\r\nConnection: close\r\n\r\n",
                "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAccept: ;;;\r\nAuthorization: Bearer " + KEY_A
                        + "\r\nConnection: close\r\n\r\n",
                "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n\r\n",
                "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: OVERSIZED\r\n\r\n"
            })
    void a_malformed_request_gets_a_json_error_and_a_request_id(String request) {
        Http.Answer answer = api.exchange(request.replace("OVERSIZED", "a".repeat(9_000)));

        assertThat(answer.status()).isBetween(400, 505);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
        JsonNode detail = answer.json().path("detail");
        // Jetty's own 400 refusals are bad_request, as are exprun's; Jersey's bare 400s are http_400
        assertThat(detail.path("code").asText())
                .isIn("http_" + answer.status(), answer.status() == 400 ? "bad_request" : "http_" + answer.status());
        assertThat(detail.path("message").asText()).isNotBlank();
    }
}
