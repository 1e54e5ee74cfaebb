package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
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
 * Issue 23, item 2: a request target that is no URI (characters a URI cannot hold, a broken or userinfo-carrying
 * authority, a Host that names no host) is a 400 in the contract's error shape, refused by Jetty or, for what Jetty
 * takes and Jersey cannot build a URI of, by exprun, and seen like every other answer: an {@code X-Request-Id}, an
 * access-log line, a count in {@code http_server_requests}. Jersey on Grizzly answered them 500 in ISO-8859-1, with no
 * request id, no log line and no metric.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedTargetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BAD_REQUESTS = Pattern.compile(
            "(?m)^http_server_requests_seconds_count\\{method=\"GET\",operation=\"other\",status=\"400\"} (\\S+)$");
    /** A target Jetty cannot even split from its request line is counted with the method unknown ("other"). */
    private static final Pattern UNREAD_REQUESTS = Pattern.compile(
            "(?m)^http_server_requests_seconds_count\\{method=\"other\",operation=\"other\",status=\"400\"} (\\S+)$");

    private TestServer server;
    private Http api;
    private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    private final Logger access = (Logger) LoggerFactory.getLogger("exprun.access");
    private ch.qos.logback.classic.Level levelBefore;

    @BeforeAll
    void start() {
        accessLog.start();
        levelBefore = access.getLevel();
        access.setLevel(ch.qos.logback.classic.Level.INFO); // the tests' logging config may keep it quiet
        access.addAppender(accessLog);
    }

    @AfterAll
    void stop() {
        access.detachAppender(accessLog);
        access.setLevel(levelBefore);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/healthz\\x",
                "/a{b}",
                "/a|b",
                "/a^b",
                "/a`b",
                "/a\"b",
                "/a<b",
                "http://a:b@evil/v1/workflows/experiments/runs",
                "http://[::1/x",
                "http://"
            })
    void a_target_that_is_no_uri_is_a_400_with_a_request_id_a_log_line_and_a_count(String target) throws Exception {
        double before = badRequests();

        Http.Answer answer = api.raw("GET", target);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode detail = JSON.readTree(answer.body()).get("detail");
        assertThat(detail.get("code").asText()).isEqualTo("bad_request");
        // Jetty's reason ("Illegal Path Character", "Deprecated User Info"...), or exprun's for what Jersey refuses
        assertThat(detail.get("message").asText()).isNotBlank();
        String id = answer.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(accessLog.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(" 400 ", "id=" + id));
        assertThat(badRequests()).isEqualTo(before + 1);
    }

    @Test
    void a_host_that_names_no_valid_host_is_a_400_too() {
        // a container name with an underscore: no DNS host name, and Jersey cannot build its base URI of it (was 500)
        Http.Answer answer = api.exchange("GET /v1/workflows/experiments/runs HTTP/1.1\r\nHost: my_host\r\n"
                + "Authorization: Bearer " + KEY_A + "\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("bad_request");
    }

    @Test
    void well_formed_targets_pass_the_door_origin_and_absolute_form_and_escaped_characters() {
        assertThat(api.raw("GET", "/v1/workflows/experiments/runs?limit=1").status())
                .isEqualTo(200);
        // an absolute-form target with the Host a client must send beside it: its authority (RFC 9112 §3.2)
        String authority = server.baseUri().getAuthority();
        assertThat(api.exchange("GET " + server.baseUri().resolve("/healthz") + " HTTP/1.1\r\nHost: " + authority
                                + "\r\nConnection: close\r\n\r\n")
                        .status())
                .isEqualTo(200);
        assertThat(api.raw("GET", "/v1/workflows/experiments/runs/a%7Bb%7D").status())
                .isEqualTo(404);
    }

    private double badRequests() {
        String scrape = api.as(null).get("/metrics").body();
        Matcher get = BAD_REQUESTS.matcher(scrape);
        Matcher unread = UNREAD_REQUESTS.matcher(scrape);
        return (get.find() ? Double.parseDouble(get.group(1)) : 0)
                + (unread.find() ? Double.parseDouble(unread.group(1)) : 0);
    }
}
