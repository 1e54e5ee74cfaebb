package io.exprun.server.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests derived from openapi/experiment-runs.yaml itself (see {@link SpecModel}), against a real server:
 * <ul>
 *   <li>every operation accepts every valid request: 2xx, or a 404 the operation declares (ids that do not exist);</li>
 *   <li>a request violating exactly one constraint of the spec (enum, minimum, maximum, integer type, date format,
 *       required parameter or property, minLength, JSON itself) is a 422 naming that constraint's {@code loc};</li>
 *   <li>every response validates against the spec.</li>
 * </ul>
 * Two rules the spec states only in prose are honoured by the generator: {@code before} excludes {@code after}, and
 * {@code from_date} is not after {@code to_date}.
 */
class SpecDerivedRequestsTest {

    private static final SpecModel SPEC = SpecModel.load();
    private static final SpecConformance CONFORMANCE = SpecConformance.load();
    private static TestServer server;
    private static Http api;
    private static List<String> runIds;
    private static List<String> resultIds;

    @BeforeContainer
    static void start() {
        server = TestServer.startEmbedded(0);
        api = new Http(server.baseUri(), KEY_A);
        runIds = new ArrayList<>();
        for (LifecycleStatus s : LifecycleStatus.values()) {
            runIds.add(server.fixtures().runIn(TENANT_A, s).id());
        }
        Run running = server.fixtures().running(TENANT_A, 2, true);
        runIds.add(running.id());
        resultIds = new ArrayList<>();
        api.get("/v1/workflows/experiments/results?run_id=" + running.id()).json().path("data")
                .forEach(r -> resultIds.add(r.path("id").asText()));
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    /** One request: operation, concrete path, query parameters in order, JSON body text (or null). */
    record Call(SpecModel.Op op, String path, Map<String, String> query, String body) {
        Call withQuery(String name, String value) {
            Map<String, String> q = new LinkedHashMap<>(query);
            if (value == null) {
                q.remove(name);
            } else {
                q.put(name, value);
            }
            return new Call(op, path, q, body);
        }

        Call withBody(String newBody) {
            return new Call(op, path, query, newBody);
        }

        String target() {
            return path + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&")));
        }

        Http.Answer send() {
            HttpRequest.Builder b = api.builder(target());
            if (body != null) {
                b.header("Content-Type", "application/json").method(op.method(), HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(op.method(), HttpRequest.BodyPublishers.noBody());
            }
            return api.send(b);
        }

        @Override
        public String toString() {
            return op.method() + " " + target() + (body == null ? "" : " " + body);
        }
    }

    /** A call with exactly one constraint broken, and the {@code loc} the 422 must name. */
    record Violation(Call call, List<String> loc, String what) {
        @Override
        public String toString() {
            return what + ": " + call;
        }
    }

    // ---- properties -------------------------------------------------------------------------------------------

    @Property(tries = 400)
    void every_valid_request_is_accepted_and_answered_as_the_spec_says(@ForAll("validCalls") Call call) {
        Http.Answer answer = call.send();

        boolean declaredNotFound = answer.status() == 404 && call.op().statuses().contains(404);
        assertThat(answer.status() / 100 == 2 || declaredNotFound)
                .as("%s → %d %s", call, answer.status(), answer.body()).isTrue();
        assertThat(CONFORMANCE.violations(call.op().method(), call.op().path(), answer.status(), answer.body()))
                .as("%s → %d", call, answer.status()).isEmpty();
    }

    @Property(tries = 400)
    void a_request_breaking_one_constraint_of_the_spec_is_422_naming_it(@ForAll("violations") Violation v) {
        Http.Answer answer = v.call().send();

        assertThat(answer.status()).as("%s → %s", v, answer.body()).isEqualTo(422);
        List<List<String>> locs = new ArrayList<>();
        answer.json().path("detail").forEach(d -> {
            List<String> loc = new ArrayList<>();
            d.path("loc").forEach(l -> loc.add(l.asText()));
            locs.add(loc.subList(0, Math.min(loc.size(), v.loc().size())));
        });
        assertThat(locs).as("%s → %s", v, answer.body()).contains(v.loc());
        assertThat(CONFORMANCE.violations(v.call().op().method(), v.call().op().path(), 422, answer.body())).isEmpty();
    }

    // ---- generators: valid requests ---------------------------------------------------------------------------

    @Provide
    Arbitrary<Call> validCalls() {
        return Arbitraries.of(SPEC.operations()).flatMap(SpecDerivedRequestsTest::validCall);
    }

    static Arbitrary<Call> validCall(SpecModel.Op op) {
        Arbitrary<String> id = op.path().contains("{result_id}") ? ids(resultIds) : ids(runIds);
        List<Arbitrary<String>> values = new ArrayList<>();
        List<SpecModel.Param> query = op.in("query");
        for (SpecModel.Param p : query) {
            Arbitrary<String> value = value(p);
            values.add(p.required() ? value : value.injectNull(0.5));
        }
        Arbitrary<List<String>> queryValues = values.isEmpty() ? Arbitraries.just(List.of())
                : Combinators.combine(values).as(ArrayList::new);
        Arbitrary<String> body = op.body() == null ? Arbitraries.just(null) : validBody(op.body());
        return Combinators.combine(id, queryValues, body).as((pathId, vals, json) -> {
            Map<String, String> q = new LinkedHashMap<>();
            for (int i = 0; i < query.size(); i++) {
                if (vals.get(i) != null) {
                    q.put(query.get(i).name(), vals.get(i));
                }
            }
            return proseRules(new Call(op, op.pathWith(pathId), q, json));
        });
    }

    /** The two rules the spec states only in its descriptions. */
    private static Call proseRules(Call c) {
        if (c.query().containsKey("before") && c.query().containsKey("after")) {
            c = c.withQuery("before", null);
        }
        String from = c.query().get("from_date");
        String to = c.query().get("to_date");
        if (from != null && to != null && from.compareTo(to) > 0) {
            c = c.withQuery("from_date", to).withQuery("to_date", from);
        }
        return c;
    }

    private static Arbitrary<String> ids(List<String> known) {
        return Arbitraries.oneOf(Arbitraries.of(known),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_', '-').ofMinLength(1).ofMaxLength(40));
    }

    /** A value the parameter's schema accepts. */
    static Arbitrary<String> value(SpecModel.Param p) {
        if (!p.enumValues().isEmpty()) {
            return Arbitraries.of(p.enumValues());
        }
        if (p.isInteger()) {
            JsonNode s = p.schema();
            return Arbitraries.integers().between(s.path("minimum").asInt(Integer.MIN_VALUE),
                    s.path("maximum").asInt(Integer.MAX_VALUE)).map(String::valueOf);
        }
        if (p.isDate()) {
            return Arbitraries.integers().between(0, 200 * 366).map(d -> LocalDate.of(1900, 1, 1).plusDays(d).toString());
        }
        if (p.name().equals("run_id")) {
            return ids(runIds);
        }
        // any text a database can hold: everything but U+0000
        return Arbitraries.strings().all().excludeChars('\u0000').ofMinLength(1).ofMaxLength(30);
    }

    private static Arbitrary<String> validBody(JsonNode schema) {
        // required properties get a value the catalog knows or not (a declared 404), optional ones may be absent
        Arbitrary<String> experiment = Arbitraries.oneOf(Arbitraries.just("exp_demo"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20));
        return experiment.map(e -> {
            Map<String, Object> body = new LinkedHashMap<>();
            schema.path("required").forEach(r -> body.put(r.asText(), e));
            return json(body);
        });
    }

    private static String json(Object value) {
        try {
            return io.exprun.server.config.JsonMapper.shared().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- generators: one broken constraint --------------------------------------------------------------------

    @Provide
    Arbitrary<Violation> violations() {
        List<Arbitrary<Violation>> all = new ArrayList<>();
        for (SpecModel.Op op : SPEC.operations()) {
            for (SpecModel.Param p : op.in("query")) {
                List<String> loc = List.of("query", p.name());
                List<String> bad = new ArrayList<>();
                if (!p.enumValues().isEmpty()) {
                    bad.add("zz_" + p.enumValues().get(0));
                }
                if (p.isInteger()) {
                    bad.add("not-a-number");
                    if (p.schema().has("minimum")) {
                        bad.add(String.valueOf(p.schema().path("minimum").asLong() - 1));
                    }
                    if (p.schema().has("maximum")) {
                        bad.add(String.valueOf(p.schema().path("maximum").asLong() + 1));
                    }
                }
                if (p.isDate()) {
                    bad.addAll(List.of("2026-13-01", "2026-02-30", "20260101", "+99999-01-01", "-0001-01-01", "yesterday"));
                }
                for (String value : bad) {
                    all.add(validCall(op).map(c -> new Violation(c.withQuery(p.name(), value), loc,
                            p.name() + "=" + value)));
                }
                if (p.required()) {
                    all.add(validCall(op).map(c -> new Violation(c.withQuery(p.name(), null), loc, "no " + p.name())));
                }
            }
            if (op.body() != null) {
                all.add(validCall(op).map(c -> new Violation(c.withBody("{\"experiment_id\":"), List.of("body"),
                        "malformed JSON")));
                op.body().path("required").forEach(r -> all.add(validCall(op).map(c -> new Violation(
                        c.withBody("{}"), List.of("body", r.asText()), "no " + r.asText()))));
                op.body().path("properties").fields().forEachRemaining(prop -> {
                    if (prop.getValue().has("minLength")) {
                        String tooShort = "x".repeat(prop.getValue().path("minLength").asInt() - 1);
                        all.add(validCall(op).map(c -> new Violation(c.withBody(json(Map.of(prop.getKey(), tooShort))),
                                List.of("body", prop.getKey()), prop.getKey() + " shorter than minLength")));
                    }
                    if ("string".equals(prop.getValue().path("type").asText())) {
                        all.add(validCall(op).map(c -> new Violation(c.withBody(json(Map.of(prop.getKey(), 5))),
                                List.of("body", prop.getKey()), prop.getKey() + " not a string")));
                    }
                });
            }
        }
        return Arbitraries.oneOf(all);
    }
}
