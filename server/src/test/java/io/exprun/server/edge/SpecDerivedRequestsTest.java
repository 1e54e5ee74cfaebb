package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
 *
 * <p>The requests come from a seeded {@link Random} ({@value #SEED} unless {@code -Dexprun.spec.seed=…} says
 * otherwise), so a failure names the request and reruns identically; a different seed explores other requests.
 *
 * <p>Over 250 lines because the valid requests and the one-constraint violations are both derived from the spec here,
 * and must agree.
 */
@ExprunServerTest
class SpecDerivedRequestsTest {

    private static final SpecModel SPEC = SpecModel.load();
    private static final SpecConformance CONFORMANCE = SpecConformance.load();
    static final long SEED = 20261201L;
    private static final int TRIES = 400;
    private static TestServer server;
    private static Http api;
    private static List<String> runIds;
    private static List<String> resultIds;

    @BeforeAll
    static void start() {
        runIds = new ArrayList<>();
        for (LifecycleStatus s : LifecycleStatus.values()) {
            runIds.add(server.fixtures().runIn(TENANT_A, s).id());
        }
        Run running = server.fixtures().running(TENANT_A, 2, true);
        runIds.add(running.id());
        resultIds = new ArrayList<>();
        api.get("/v1/workflows/experiments/results?run_id=" + running.id())
                .json()
                .path("data")
                .forEach(r -> resultIds.add(r.path("id").asText()));
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
            return path
                    + (query.isEmpty()
                            ? ""
                            : "?"
                                    + query.entrySet().stream()
                                            .map(e -> e.getKey() + "="
                                                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                                            .collect(Collectors.joining("&")));
        }

        Http.Answer send() {
            HttpRequest.Builder b = api.builder(target());
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(op.method(), HttpRequest.BodyPublishers.ofString(body));
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCalls")
    void every_valid_request_is_accepted_and_answered_as_the_spec_says(Call call) {
        Http.Answer answer = call.send();

        boolean declaredNotFound =
                answer.status() == 404 && call.op().statuses().contains(404);
        assertThat(answer.status() / 100 == 2 || declaredNotFound)
                .as("%s → %d %s", call, answer.status(), answer.body())
                .isTrue();
        assertThat(CONFORMANCE.violations(call.op().method(), call.op().path(), answer.status(), answer.body()))
                .as("%s → %d", call, answer.status())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void a_request_breaking_one_constraint_of_the_spec_is_422_naming_it(Violation v) {
        Http.Answer answer = v.call().send();

        assertThat(answer.status()).as("%s → %s", v, answer.body()).isEqualTo(422);
        List<List<String>> locs = new ArrayList<>();
        answer.json().path("detail").forEach(d -> {
            List<String> loc = new ArrayList<>();
            d.path("loc").forEach(l -> loc.add(l.asText()));
            locs.add(loc.subList(0, Math.min(loc.size(), v.loc().size())));
        });
        assertThat(locs).as("%s → %s", v, answer.body()).contains(v.loc());
        assertThat(CONFORMANCE.violations(v.call().op().method(), v.call().op().path(), 422, answer.body()))
                .isEmpty();
    }

    private static Random random(String which) {
        return new Random(Long.getLong("exprun.spec.seed", SEED) ^ which.hashCode());
    }

    private static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    // ---- generators: valid requests ---------------------------------------------------------------------------

    static Stream<Call> validCalls() {
        Random r = random("valid");
        return Stream.generate(() -> validCall(pick(r, SPEC.operations()), r)).limit(TRIES);
    }

    static Call validCall(SpecModel.Op op, Random r) {
        String pathId = op.path().contains("{result_id}") ? id(resultIds, r) : id(runIds, r);
        Map<String, String> q = new LinkedHashMap<>();
        for (SpecModel.Param p : op.in("query")) {
            if (p.required() || r.nextBoolean()) {
                q.put(p.name(), value(p, r));
            }
        }
        String body = op.body() == null ? null : validBody(op.body(), r);
        return proseRules(new Call(op, op.pathWith(pathId), q, body));
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

    /** A known id or one that does not exist (a declared 404). */
    private static String id(List<String> known, Random r) {
        return r.nextBoolean() ? pick(r, known) : text(r, 1, 40, "abcdefghijklmnopqrstuvwxyz0123456789_-");
    }

    /** A value the parameter's schema accepts. */
    static String value(SpecModel.Param p, Random r) {
        if (!p.enumValues().isEmpty()) {
            return pick(r, p.enumValues());
        }
        if (p.schema().has("pattern")) {
            return pick(r, p.examples()); // a wait's timeout: short ones, as a valid wait on an active run lasts it
        }
        if (p.isInteger()) {
            JsonNode s = p.schema();
            long min = s.path("minimum").asLong(Integer.MIN_VALUE);
            long max = s.path("maximum").asLong(Integer.MAX_VALUE);
            return String.valueOf(min + (long) (r.nextDouble() * (max - min + 1)));
        }
        if (p.isDate()) {
            return LocalDate.of(1900, 1, 1).plusDays(r.nextInt(200 * 366)).toString();
        }
        if (p.name().equals("run_id")) {
            return id(runIds, r);
        }
        // any text a database can hold: everything but U+0000, from all of the Basic Multilingual Plane
        StringBuilder text = new StringBuilder();
        for (int i = 1 + r.nextInt(30); i > 0; i--) {
            char c;
            do {
                c = (char) (1 + r.nextInt(0xFFFD));
            } while (Character.isSurrogate(c));
            text.append(c);
        }
        return text.toString();
    }

    private static String text(Random r, int minLength, int maxLength, String alphabet) {
        StringBuilder text = new StringBuilder();
        for (int i = minLength + r.nextInt(maxLength - minLength + 1); i > 0; i--) {
            text.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String validBody(JsonNode schema, Random r) {
        // required properties get a value the catalog knows or not (a declared 404), optional ones are absent
        String experiment =
                r.nextBoolean() ? "exp_demo" : text(r, 1, 20, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        Map<String, Object> body = new LinkedHashMap<>();
        schema.path("required").forEach(name -> body.put(name.asText(), experiment));
        return json(body);
    }

    private static String json(Object value) {
        try {
            return io.exprun.server.spec.JsonMapper.shared().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- generators: one broken constraint --------------------------------------------------------------------

    /** Every way the spec lets one constraint be broken, each on a valid request made anew per try. */
    static Stream<Violation> violations() {
        List<Function<Random, Violation>> all = new ArrayList<>();
        for (SpecModel.Op op : SPEC.operations()) {
            for (SpecModel.Param p : op.in("query")) {
                List<String> loc = List.of("query", p.name());
                List<String> bad = new ArrayList<>();
                if (!p.enumValues().isEmpty()) {
                    bad.add("zz_" + p.enumValues().get(0));
                }
                if (p.schema().has("pattern")) {
                    bad.add("zz_" + p.examples().get(0));
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
                    bad.addAll(List.of(
                            "2026-13-01", "2026-02-30", "20260101", "+99999-01-01", "-0001-01-01", "yesterday"));
                }
                for (String value : bad) {
                    all.add(r ->
                            new Violation(validCall(op, r).withQuery(p.name(), value), loc, p.name() + "=" + value));
                }
                if (p.required()) {
                    all.add(r -> new Violation(validCall(op, r).withQuery(p.name(), null), loc, "no " + p.name()));
                }
            }
            if (op.body() != null) {
                all.add(r -> new Violation(
                        validCall(op, r).withBody("{\"experiment_id\":"), List.of("body"), "malformed JSON"));
                op.body()
                        .path("required")
                        .forEach(name -> all.add(r -> new Violation(
                                validCall(op, r).withBody("{}"),
                                List.of("body", name.asText()),
                                "no " + name.asText())));
                op.body().path("properties").fields().forEachRemaining(prop -> {
                    if (prop.getValue().has("minLength")) {
                        String tooShort =
                                "x".repeat(prop.getValue().path("minLength").asInt() - 1);
                        all.add(r -> new Violation(
                                validCall(op, r).withBody(json(Map.of(prop.getKey(), tooShort))),
                                List.of("body", prop.getKey()),
                                prop.getKey() + " shorter than minLength"));
                    }
                    if ("string".equals(prop.getValue().path("type").asText())) {
                        all.add(r -> new Violation(
                                validCall(op, r).withBody(json(Map.of(prop.getKey(), 5))),
                                List.of("body", prop.getKey()),
                                prop.getKey() + " not a string"));
                    }
                });
            }
        }
        Random r = random("violations");
        // every kind once, then the rest of the tries at random
        return Stream.concat(
                all.stream().map(kind -> kind.apply(r)),
                Stream.generate(() -> pick(r, all).apply(r)).limit(Math.max(0, TRIES - all.size())));
    }
}
