package io.exprun.server.integrity;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.NoErrorLogs;
import io.exprun.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every place a request's text reaches SQL, with a NUL (U+0000) or an unpaired surrogate in it: the same answer on
 * both databases, in the contract's shape, at the field's wire location, and nothing stored. Issue 31: PostgreSQL
 * answered 500 (and logged an ERROR) for seven of these while SQLite stored them.
 */
@ExtendWith(NoErrorLogs.class)
class UnstorableTextTest {

    private static final String EXPERIMENTS = "/v1/workflows/experiments";
    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String NUL = "\\u0000";
    private static final String SURROGATE = "\\ud800";

    /** One request carrying the bad text, and where the answer must say it is. */
    record Case(String method, String path, String body, String header, int status, List<Object> loc) {}

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String db : List.of("sqlite", "postgres")) {
            for (String bad : List.of(NUL, SURROGATE)) {
                String what = bad.equals(NUL) ? "NUL" : "unpaired surrogate";
                for (Case c : bodyCases(bad)) {
                    all.add(Arguments.of(db, Named.of(what + " " + c.method() + " " + c.path() + " at " + c.loc(), c)));
                }
            }
            for (Case c : nulOutsideBodies()) {
                all.add(Arguments.of(db, Named.of("NUL " + c.method() + " " + c.path() + " at " + c.loc(), c)));
            }
        }
        return all.stream();
    }

    private static List<Case> bodyCases(String bad) {
        String doc = "{\"handle_inputs\":{\"d\":{\"type\":\"file\",\"document\":{\"id\":\"d1\"}}}}";
        return List.of(
                create("{\"workflow_id\":\"wf" + bad + "\"}", "workflow_id"),
                create("{\"workflow_id\":\"wf\",\"name\":\"n" + bad + "\"}", "name"),
                create("{\"workflow_id\":\"wf\",\"block_id\":\"b" + bad + "\"}", "block_id"),
                create(
                        "{\"workflow_id\":\"wf\",\"source_experiment_id\":\"exp_demo" + bad + "\"}",
                        "source_experiment_id"),
                create(
                        "{\"workflow_id\":\"wf\",\"document_captures\":[{\"run_id\":\"exprun_x" + bad + "\"}]}",
                        "document_captures",
                        0,
                        "run_id"),
                create(
                        "{\"workflow_id\":\"wf\",\"document_captures\":[{\"run_id\":\"exprun_x\",\"step_id\":\"s" + bad
                                + "\"}]}",
                        "document_captures",
                        0,
                        "step_id"),
                create(
                        "{\"workflow_id\":\"wf\",\"documents\":[" + doc
                                + ",{\"handle_inputs\":{\"d\":{\"type\":\"file\"," + "\"document\":{\"id\":\"d" + bad
                                + "\"}}}}]}",
                        "documents",
                        1,
                        "handle_inputs",
                        "d",
                        "document",
                        "id"),
                create(
                        "{\"workflow_id\":\"wf\",\"documents\":[{\"handle_inputs\":{\"d\":{\"type\":\"file\","
                                + "\"document\":{\"id\":\"d\",\"filename\":\"a" + bad + ".pdf\"}}}}]}",
                        "documents",
                        0,
                        "handle_inputs",
                        "d",
                        "document",
                        "filename"),
                create(
                        "{\"workflow_id\":\"wf\",\"documents\":[{\"handle_inputs\":{\"d\":{\"type\":\"file\","
                                + "\"document\":{\"id\":\"d\"}}},\"provenance\":{\"source\":[\"s" + bad + "\"]}}]}",
                        "documents",
                        0,
                        "provenance",
                        "source",
                        0),
                new Case("PATCH", EXPERIMENTS + "/exp_demo", "{\"name\":\"n" + bad + "\"}", null, 422, loc("name")),
                new Case(
                        "PATCH",
                        EXPERIMENTS + "/exp_demo",
                        "{\"documents\":[{\"handle_inputs\":{\"d\":{\"type\":\"file\",\"document\":{\"id\":\"d" + bad
                                + "\",\"mime_type\":\"application/pdf\"}}}}]}",
                        null,
                        422,
                        loc("documents", 0, "handle_inputs", "d", "document", "id")),
                new Case("POST", RUNS, "{\"experiment_id\":\"exp_demo" + bad + "\"}", null, 422, loc("experiment_id")),
                new Case(
                        "POST",
                        RUNS,
                        "{\"experiment_id\":\"exp_demo\",\"workflow_id\":\"wf" + bad + "\"}",
                        null,
                        422,
                        loc("workflow_id")),
                new Case(
                        "POST",
                        RUNS,
                        "{\"experiment_id\":\"exp_demo\",\"plan_token\":\"t" + bad + "\"}",
                        null,
                        422,
                        loc("plan_token")));
    }

    /**
     * Query values, a declared header and path ids. A path holding an encoded NUL is no request target Jetty accepts:
     * 400 from the front door, before anything reads it.
     */
    private static List<Case> nulOutsideBodies() {
        return List.of(
                new Case("GET", RUNS + "?experiment_id=e%00", null, null, 422, List.of("query", "experiment_id")),
                new Case("GET", RUNS + "?workflow_id=w%00", null, null, 422, List.of("query", "workflow_id")),
                new Case("GET", RUNS + "?block_id=b%00", null, null, 422, List.of("query", "block_id")),
                new Case("GET", RUNS + "?after=a%00", null, null, 422, List.of("query", "after")),
                new Case("GET", EXPERIMENTS + "?workflow_id=w%00", null, null, 422, List.of("query", "workflow_id")),
                new Case("GET", EXPERIMENTS + "?block_id=b%00", null, null, 422, List.of("query", "block_id")),
                new Case(
                        "GET",
                        "/v1/workflows/experiments/results?run_id=r%00",
                        null,
                        null,
                        422,
                        List.of("query", "run_id")),
                new Case("GET", RUNS + "/exprun_x%00", null, null, 400, null),
                new Case("POST", RUNS + "/exprun_x%00/cancel", null, null, 400, null),
                new Case("GET", "/v1/workflows/experiments/results/expres_x%00", null, null, 400, null),
                new Case("GET", EXPERIMENTS + "/exp_demo%00", null, null, 400, null),
                new Case("PATCH", EXPERIMENTS + "/exp_demo%00", "{\"name\":\"n\"}", null, 400, null),
                new Case("DELETE", EXPERIMENTS + "/exp_demo%00", null, null, 400, null));
    }

    private static Case create(String body, Object... at) {
        return new Case("POST", EXPERIMENTS, body, null, 422, loc(at));
    }

    private static List<Object> loc(Object... at) {
        List<Object> l = new ArrayList<>(List.of("body"));
        l.addAll(List.of(at));
        return l;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void text_no_database_can_hold_is_refused_at_its_location_and_nothing_is_stored(String db, Case c) {
        Http api = new Http(server(db).baseUri(), KEY_A);
        String before = state(api);

        HttpRequest.BodyPublisher body =
                c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body());
        HttpRequest.Builder request = api.builder(c.path()).method(c.method(), body);
        if (c.body() != null) {
            request.header("Content-Type", "application/json");
        }
        Http.Answer answer = api.send(request);

        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(c.status());
        if (c.loc() != null) {
            JsonNode detail = answer.json().get("detail");
            List<Object> loc = new ArrayList<>();
            detail.get(0).get("loc").forEach(n -> loc.add(n.isInt() ? n.intValue() : n.asText()));
            assertThat(loc).isEqualTo(c.loc());
            assertThat(detail.get(0).get("type").asText()).isEqualTo("string_unicode");
        } else {
            assertThat(answer.errorCode()).isEqualTo(c.status() == 400 ? "bad_request" : "not_found");
        }
        assertThat(state(api)).as("nothing stored").isEqualTo(before);
    }

    /** What a tenant can see: its experiments and its runs, whole. */
    private static String state(Http api) {
        return api.get(EXPERIMENTS + "?limit=100").body()
                + api.get(RUNS + "?limit=100").body();
    }

    /** One server per database for all cases: each case leaves nothing behind, which the case itself checks. */
    private static final Map<String, TestServer> servers = new ConcurrentHashMap<>();

    private static TestServer server(String db) {
        return servers.computeIfAbsent(db, kind -> TestServer.start(TestServer.config(kind, 0)));
    }

    @AfterAll
    static void stop() {
        servers.values().forEach(TestServer::close);
    }
}
