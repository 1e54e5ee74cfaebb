package io.exprun.server.integrity;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.server.generated.model.WorkflowExperiment;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.NoErrorLogs;
import io.exprun.server.testing.TestServer;
import io.exprun.server.work.SimulatedBlockExecutor;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every writable resource, fed bodies generated over the spec's whole range (sizes up to the body limit and a little
 * over, every Unicode plane, NUL and unpaired surrogates, numbers of any form, nesting past the parser's limit), on
 * both databases: each answer is either 2xx and what a GET and a list give back is what was sent, or 4xx and nothing
 * changed (row counts, the experiment as it was). Never a 5xx. Seeded: the seed is in every failure's message;
 * {@code -Dexprun.roundtrip.seed=N} replays one, {@code -Dexprun.roundtrip.bodies=N} changes how many per resource.
 */
@ExtendWith(NoErrorLogs.class)
class RoundTripFuzzTest {

    static final long SEED = Long.getLong("exprun.roundtrip.seed", System.nanoTime());
    static final int BODIES = Integer.getInteger("exprun.roundtrip.bodies", 2000);

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void experiment_creates_read_back_as_sent_or_change_nothing(String kind) {
        try (TestServer server = start(kind, List.of())) {
            RoundTrip trip = new RoundTrip(server, new Random(SEED), "seed " + SEED + " on " + kind);
            for (int i = 0; i < BODIES; i++) {
                trip.createExperiment(i);
            }
            trip.report("experiment creates");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void experiment_updates_read_back_as_sent_or_change_nothing(String kind) {
        try (TestServer server = start(kind, List.of())) {
            RoundTrip trip = new RoundTrip(server, new Random(SEED + 1), "seed " + (SEED + 1) + " on " + kind);
            String target = trip.anExperiment();
            for (int i = 0; i < BODIES; i++) {
                trip.updateExperiment(target, i);
            }
            trip.report("experiment updates");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void run_creates_read_back_as_sent_or_change_nothing(String kind) {
        try (TestServer server = start(kind, List.of())) {
            RoundTrip trip = new RoundTrip(server, new Random(SEED + 2), "seed " + (SEED + 2) + " on " + kind);
            List<String> experiments = List.of("exp_demo", trip.anExperiment(), trip.anExperiment());
            for (int i = 0; i < BODIES; i++) {
                trip.createRun(experiments, i);
            }
            trip.report("run creates");
        }
    }

    /** Negative control: a server whose reads drop a field (a mapper bug) must fail the same check. */
    @Test
    void negative_control_a_server_that_loses_a_field_on_reads_fails_the_round_trip() {
        try (TestServer server = start("sqlite", List.of(new DropsTheNameOnReads()))) {
            RoundTrip trip = new RoundTrip(server, new Random(SEED), "seed " + SEED + " (negative control)");
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 200; i++) {
                            trip.createExperiment(i);
                        }
                    })
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("name");
        }
    }

    private static TestServer start(String kind, List<Object> extras) {
        return TestServer.start(TestServer.config(kind, 0), new SimulatedBlockExecutor(20, 0.0), extras);
    }

    /** Answers a GET of one experiment without its name, as a broken mapper would. */
    public static final class DropsTheNameOnReads implements ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            if ("GET".equals(request.getMethod()) && response.getEntity() instanceof WorkflowExperiment e) {
                e.setName(null);
            }
        }
    }

    /** Generated requests against one server, each checked against what the server then gives back. */
    static final class RoundTrip {
        private static final String EXPERIMENTS = "/v1/workflows/experiments";
        private static final String RUNS = "/v1/workflows/experiments/runs";

        private final TestServer server;
        private final Http api;
        private final GeneratedJson gen;
        private final String seed;
        /** Whether the body being generated may still get its one value near the body limit. */
        private boolean oneLargeValueLeft;

        private int accepted;
        private int refused;

        RoundTrip(TestServer server, Random random, String seed) {
            this.server = server;
            this.api = new Http(server.baseUri(), KEY_A);
            this.gen = new GeneratedJson(random);
            this.seed = seed;
        }

        void report(String what) {
            System.out.printf(
                    "%s (%s): %d accepted and read back, %d refused with nothing changed%n",
                    what, seed, accepted, refused);
            assertThat(accepted)
                    .as("%s: some bodies are accepted (%s)", what, seed)
                    .isPositive();
            assertThat(refused)
                    .as("%s: some bodies are refused (%s)", what, seed)
                    .isPositive();
        }

        String anExperiment() {
            Http.Answer a = api.postJson(
                    EXPERIMENTS,
                    "{\"workflow_id\":\"wf_target\",\"documents\":[{\"handle_inputs\":{\"d\":{\"type\":\"file\","
                            + "\"document\":{\"id\":\"doc_1\"}}}},{\"handle_inputs\":{\"d\":{\"type\":\"file\","
                            + "\"document\":{\"id\":\"doc_2\"}}}}]}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            return a.json().get("id").asText();
        }

        void createExperiment(int i) {
            String body = experimentBody(true);
            long[] before = counts();
            Http.Answer answer = send(() -> api.postJson(EXPERIMENTS, body), i, body);
            String context = context(i, "POST " + EXPERIMENTS, body, answer);
            if (refusedWithNothingChanged(answer, before, context)) {
                return;
            }
            JsonNode sent = Truth.read(body);
            JsonNode got = api.get(EXPERIMENTS + "/" + answer.json().get("id").asText())
                    .json();
            assertThat(Truth.same(got, answer.json()))
                    .as("GET = the create's answer, %s", context)
                    .isTrue();
            String workflow = sent.get("workflow_id").asText();
            assertField(got, "workflow_id", sent.get("workflow_id"), context);
            assertField(got, "name", orDefault(sent.get("name"), "Experiment of " + workflow), context);
            assertField(got, "n_consensus", orDefault(sent.get("n_consensus"), 3), context);
            if (sent.hasNonNull("block_id")) {
                assertField(got, "block_id", sent.get("block_id"), context);
            }
            if (sent.hasNonNull("documents")) {
                assertField(got, "documents", sent.get("documents"), context);
                assertThat(got.get("document_count").asInt())
                        .as(context)
                        .isEqualTo(sent.get("documents").size());
            }
            JsonNode listed = null;
            for (JsonNode e : api.get(EXPERIMENTS + "?limit=100&workflow_id="
                            + java.net.URLEncoder.encode(workflow, java.nio.charset.StandardCharsets.UTF_8))
                    .json()
                    .get("data")) {
                if (e.get("id").equals(got.get("id"))) {
                    listed = e;
                }
            }
            assertThat(listed).as("listed by its workflow, %s", context).isNotNull();
            assertThat(Truth.same(listed, got))
                    .as("the list shows what the GET shows, %s", context)
                    .isTrue();
            assertThat(counts()[0]).as("one experiment more, %s", context).isEqualTo(before[0] + 1);
            accepted++;
        }

        void updateExperiment(String id, int i) {
            String body = experimentBody(false);
            Http.Answer old = api.get(EXPERIMENTS + "/" + id);
            long[] before = counts();
            Http.Answer answer = send(
                    () -> api.send(api.builder(EXPERIMENTS + "/" + id)
                            .header("Content-Type", "application/json")
                            .method("PATCH", HttpRequest.BodyPublishers.ofString(body))),
                    i,
                    body);
            String context = context(i, "PATCH " + EXPERIMENTS + "/" + id, body, answer);
            if (refusedWithNothingChanged(answer, before, context)) {
                assertThat(api.get(EXPERIMENTS + "/" + id).body())
                        .as("the experiment as it was, %s", context)
                        .isEqualTo(old.body());
                return;
            }
            JsonNode sent = Truth.read(body);
            JsonNode got = api.get(EXPERIMENTS + "/" + id).json();
            assertThat(Truth.same(got, answer.json()))
                    .as("GET = the update's answer, %s", context)
                    .isTrue();
            JsonNode was = old.json();
            for (String field : List.of("name", "n_consensus", "documents")) {
                assertField(got, field, sent.hasNonNull(field) ? sent.get(field) : was.get(field), context);
            }
            for (String field : List.of("id", "workflow_id", "block_id", "block_type", "created_at")) {
                assertField(got, field, was.get(field), context);
            }
            assertThat(java.time.Instant.parse(got.get("updated_at").asText()))
                    .as("updated_at never goes back, %s", context)
                    .isAfterOrEqualTo(
                            java.time.Instant.parse(was.get("updated_at").asText()));
            accepted++;
        }

        void createRun(List<String> experiments, int i) {
            String experiment = gen.chance(0.7) ? experiments.get(gen.between(0, experiments.size() - 1)) : null;
            StringBuilder body = new StringBuilder("{\"experiment_id\":");
            body.append(experiment != null ? "\"" + experiment + "\"" : gen.string(gen.length(70)));
            if (gen.chance(0.3)) {
                body.append(",\"workflow_id\":")
                        .append(
                                gen.chance(0.5) && experiment != null
                                        ? "\"" + workflowOf(experiment) + "\""
                                        : gen.string(gen.length(20)));
            }
            if (gen.chance(0.2)) {
                body.append(",\"plan_token\":").append(gen.chance(0.3) ? "null" : gen.string(gen.length(64)));
            }
            body.append('}');
            long[] before = counts();
            Http.Answer answer = api.postJson(RUNS, body.toString());
            String context = context(i, "POST " + RUNS, body.toString(), answer);
            if (refusedWithNothingChanged(answer, before, context)) {
                return;
            }
            JsonNode sent = Truth.read(body.toString());
            JsonNode got =
                    api.get(RUNS + "/" + answer.json().get("id").asText()).json();
            assertField(got, "experiment_id", sent.get("experiment_id"), context);
            JsonNode experimentNow = api.get(
                            EXPERIMENTS + "/" + sent.get("experiment_id").asText())
                    .json();
            assertThat(got.get("document_count").asInt())
                    .as(context)
                    .isEqualTo(experimentNow.get("document_count").asInt());
            long[] after = counts();
            assertThat(after[1]).as("one run more, %s", context).isEqualTo(before[1] + 1);
            assertThat(after[2])
                    .as("a result per document, %s", context)
                    .isEqualTo(before[2] + got.get("document_count").asInt());
            accepted++;
        }

        /** An answer, or a failure that names the body: a request must always be answered. */
        private Http.Answer send(java.util.function.Supplier<Http.Answer> request, int i, String body) {
            try {
                return request.get();
            } catch (RuntimeException e) {
                throw new AssertionError(
                        "body #" + i + " of " + seed + " got no answer (" + e.getMessage() + "): " + abbreviated(body),
                        e);
            }
        }

        private String workflowOf(String experiment) {
            return api.get(EXPERIMENTS + "/" + experiment)
                    .json()
                    .get("workflow_id")
                    .asText();
        }

        /** A create's body (workflow_id required) or an update's, valid or not in every field. */
        private String experimentBody(boolean create) {
            oneLargeValueLeft = true;
            List<String> fields = new ArrayList<>();
            if (create || gen.chance(0.05)) {
                fields.add("\"workflow_id\":" + (gen.chance(0.02) ? "null" : gen.string(gen.length(128))));
            }
            if (gen.chance(0.5)) {
                fields.add("\"name\":" + (gen.chance(0.1) ? "null" : gen.string(gen.length(200))));
            }
            if (create && gen.chance(0.3)) {
                fields.add("\"block_id\":" + (gen.chance(0.1) ? "null" : gen.string(gen.length(128))));
            }
            if (create && gen.chance(0.3)) {
                fields.add("\"block_type\":" + (gen.chance(0.8) ? "\"classify\"" : gen.string(8)));
            }
            if (gen.chance(0.3)) {
                fields.add(
                        "\"n_consensus\":" + List.of("3", "5", "7", "4", "null").get(gen.between(0, 4)));
            }
            if (gen.chance(0.7)) {
                fields.add("\"documents\":" + documents(documentCount()));
            }
            if (create && gen.chance(0.02)) {
                fields.add("\"source_experiment_id\":" + gen.string(gen.length(128)));
            }
            if (gen.chance(0.05)) {
                fields.add(gen.string(gen.length(10)) + ":" + gen.value(3)); // a field this version does not know
            }
            java.util.Collections.shuffle(fields, new Random(gen.between(0, Integer.MAX_VALUE - 1)));
            return "{" + String.join(",", fields) + "}";
        }

        /** Mostly a few documents, sometimes many, now and then around the spec's 500. */
        private int documentCount() {
            if (gen.chance(0.6)) {
                return gen.between(0, 3);
            }
            if (gen.chance(0.9)) {
                return gen.between(4, 60);
            }
            return gen.between(490, 505);
        }

        private String documents(int count) {
            StringBuilder b = new StringBuilder("[");
            for (int d = 0; d < count; d++) {
                b.append(d > 0 ? "," : "").append(document());
            }
            return b.append(']').toString();
        }

        private String document() {
            StringBuilder inputs = new StringBuilder("{");
            int handles = gen.chance(0.95) ? gen.between(1, 3) : gen.between(0, 18);
            boolean file = false;
            for (int h = 0; h < handles; h++) {
                boolean isFile = !file && (h == handles - 1 || gen.chance(0.5)) || gen.chance(0.1);
                file |= isFile;
                inputs.append(h > 0 ? "," : "")
                        .append(gen.string(gen.length(10)))
                        .append(':');
                if (isFile) {
                    inputs.append("{\"type\":\"file\",\"document\":{\"id\":").append(gen.string(gen.length(40)));
                    if (gen.chance(0.5)) {
                        inputs.append(",\"filename\":").append(gen.chance(0.2) ? "null" : gen.string(gen.length(60)));
                    }
                    if (gen.chance(0.5)) {
                        inputs.append(",\"mime_type\":").append(gen.chance(0.2) ? "null" : gen.string(gen.length(30)));
                    }
                    inputs.append("}}");
                } else {
                    inputs.append("{\"type\":")
                            .append(gen.chance(0.9) ? "\"json\"" : gen.string(4))
                            .append(",\"data\":")
                            .append(gen.value(3))
                            .append('}');
                }
            }
            inputs.append('}');
            String provenance = gen.chance(0.5) ? "" : ",\"provenance\":" + provenance();
            return "{\"handle_inputs\":" + inputs + provenance + "}";
        }

        private String provenance() {
            if (gen.chance(0.003)) {
                return gen.nested(gen.between(55, 70)); // around the parser's nesting limit
            }
            if (oneLargeValueLeft && gen.chance(0.004)) { // one a body: up to the body limit and a little over
                oneLargeValueLeft = false;
                // ASCII, so its bytes are its length: around the body limit, never past what the door reads
                return "\"" + "p".repeat(gen.between(200_000, 1_050_000)) + "\"";
            }
            return gen.value(4);
        }

        private static JsonNode orDefault(JsonNode sent, Object fallback) {
            return sent != null && !sent.isNull() ? sent : JsonMapper.shared().valueToTree(fallback);
        }

        /** 4xx: then nothing may have changed. 5xx: never. */
        private boolean refusedWithNothingChanged(Http.Answer answer, long[] before, String context) {
            assertThat(answer.status()).as("never a 5xx, %s", context).isLessThan(500);
            if (answer.status() < 400) {
                return false;
            }
            assertThat(answer.json().has("detail"))
                    .as("the contract's shape, %s", context)
                    .isTrue();
            assertThat(counts()).as("nothing stored, %s", context).isEqualTo(before);
            refused++;
            return true;
        }

        private static void assertField(JsonNode got, String field, JsonNode expected, String context) {
            assertThat(Truth.same(got.get(field), expected))
                    .as(
                            "%s read back as sent, first difference %s, %s",
                            field, Truth.difference("/" + field, expected, got.get(field)), context)
                    .isTrue();
        }

        private String context(int i, String request, String body, Http.Answer answer) {
            return "body #" + i + " of " + seed + ": " + request + " " + abbreviated(body) + " → " + answer.status()
                    + " " + abbreviated(answer.body());
        }

        private static String abbreviated(String s) {
            return s.length() <= 400 ? s : s.substring(0, 400) + "… (" + s.length() + " chars)";
        }

        /** Rows of the tables a write of these resources touches. */
        private long[] counts() {
            try (var c = server.server().database().dataSource().getConnection();
                    var s = c.createStatement();
                    var rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM experiments), (SELECT COUNT(*) FROM runs),"
                            + " (SELECT COUNT(*) FROM results), (SELECT COUNT(*) FROM idempotency_keys),"
                            + " (SELECT COUNT(*) FROM experiment_idempotency_keys)")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** JSON as sent, read without limits and with numbers exact; compared with nulls left out and numbers by value. */
    static final class Truth {
        private static final com.fasterxml.jackson.databind.ObjectMapper READER = reader();

        private static com.fasterxml.jackson.databind.ObjectMapper reader() {
            var m = new com.fasterxml.jackson.databind.ObjectMapper();
            m.getFactory()
                    .setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxDocumentLength(-1)
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNestingDepth(1000)
                            .build());
            m.enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
            return m;
        }

        static JsonNode read(String json) {
            try {
                return READER.readTree(json);
            } catch (java.io.IOException e) {
                throw new AssertionError("a generated body the server accepted is not JSON: " + e.getMessage());
            }
        }

        static boolean same(JsonNode a, JsonNode b) {
            JsonNode x = withoutNulls(a);
            JsonNode y = withoutNulls(b);
            return x == null ? y == null : y != null && x.equals(Truth::compare, y);
        }

        /** Where two values first differ (nulls left out), as a JSON pointer with both sides. */
        static String difference(String at, JsonNode expected, JsonNode actual) {
            JsonNode x = withoutNulls(expected);
            JsonNode y = withoutNulls(actual);
            if (x == null || y == null || x.getNodeType() != y.getNodeType() || x.isValueNode()) {
                return same(x, y) ? "none" : at + ": expected " + abbreviated(x) + " but was " + abbreviated(y);
            }
            if (x.isArray() && x.size() != y.size()) {
                return at + ": " + x.size() + " items expected, " + y.size() + " read back";
            }
            var names = new java.util.TreeSet<String>();
            x.fieldNames().forEachRemaining(names::add);
            y.fieldNames().forEachRemaining(names::add);
            if (x.isArray()) {
                for (int i = 0; i < x.size(); i++) {
                    String d = difference(at + "/" + i, x.get(i), y.get(i));
                    if (!d.equals("none")) {
                        return d;
                    }
                }
            }
            for (String name : names) {
                String d = difference(at + "/" + name, x.get(name), y.get(name));
                if (!d.equals("none")) {
                    return d;
                }
            }
            return "none";
        }

        private static String abbreviated(JsonNode n) {
            String s = String.valueOf(n);
            return s.length() <= 200 ? s : s.substring(0, 200) + "…";
        }

        private static int compare(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue());
            }
            return a.equals(b) ? 0 : 1;
        }

        private static JsonNode withoutNulls(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isObject()) {
                ObjectNode copy = JsonMapper.shared().createObjectNode();
                node.fields().forEachRemaining(f -> {
                    JsonNode v = withoutNulls(f.getValue());
                    if (v != null) {
                        copy.set(f.getKey(), v);
                    }
                });
                return copy;
            }
            if (node.isArray()) {
                var copy = JsonMapper.shared().createArrayNode();
                node.forEach(v -> copy.add(
                        v == null || v.isNull()
                                ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                                : withoutNulls(v)));
                return copy;
            }
            return node;
        }
    }
}
