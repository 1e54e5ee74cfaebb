package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.contract.SpecConformance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bad input derived from the spec: for every constraint of a query parameter (type, minimum, maximum, enum, format,
 * required) and of a JSON request body (required, type, minLength), one request that violates exactly that
 * constraint, which must be answered 422 with an {@code HTTPValidationError} naming a problem; plus malformed JSON.
 * Query checks never write; body checks are left out with {@code --read-only}; those of a create count against
 * {@code --max-runs} (a server that ignored the constraint could create a run, which the clean-up then cancels) or
 * are remembered for the clean-up (an experiment, deleted at the end).
 */
final class NegativeChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NegativeChecks() {}

    static void run(Session s) {
        for (SpecConformance.Operation op : s.judge.spec().operations()) {
            queryChecks(s, op);
            JsonNode body = op.node()
                    .path("requestBody")
                    .path("content")
                    .path("application/json")
                    .path("schema");
            if (!body.isMissingNode()) {
                bodyChecks(s, op, resolve(s, body));
            }
        }
    }

    private static void queryChecks(Session s, SpecConformance.Operation op) {
        String path = op.template().replaceAll("\\{[^/}]+}", AuthChecks.NO_SUCH_ID);
        Map<String, String> valid = new LinkedHashMap<>();
        List<JsonNode> params = new ArrayList<>();
        for (JsonNode p : op.node().path("parameters")) {
            if ("query".equals(p.path("in").asText())) {
                params.add(p);
                if (p.path("required").asBoolean(false)) {
                    valid.put(p.path("name").asText(), AuthChecks.NO_SUCH_ID);
                }
            }
        }
        for (JsonNode p : params) {
            String name = p.path("name").asText();
            JsonNode schema = resolve(s, p.path("schema"));
            Map<String, String> bad = new LinkedHashMap<>();
            if (p.path("required").asBoolean(false)) {
                bad.put("without required " + name, null);
            }
            if ("integer".equals(schema.path("type").asText())) {
                bad.put(name + "=abc (not an integer)", "abc");
                if (schema.has("minimum")) {
                    bad.put(
                            name + "=" + (schema.get("minimum").asLong() - 1) + " (below minimum "
                                    + schema.get("minimum") + ")",
                            Long.toString(schema.get("minimum").asLong() - 1));
                }
                if (schema.has("maximum")) {
                    bad.put(
                            name + "=" + (schema.get("maximum").asLong() + 1) + " (above maximum "
                                    + schema.get("maximum") + ")",
                            Long.toString(schema.get("maximum").asLong() + 1));
                }
            }
            if (schema.has("enum")) {
                bad.put(name + "=not_a_declared_value (not in its enum)", "not_a_declared_value");
            }
            if ("date".equals(schema.path("format").asText())
                    || "date-time".equals(schema.path("format").asText())) {
                bad.put(name + "=not-a-date (not a " + schema.get("format").asText() + ")", "not-a-date");
            }
            bad.forEach((what, value) -> {
                Map<String, String> query = new LinkedHashMap<>(valid);
                if (value == null) {
                    query.remove(name);
                } else {
                    query.put(name, value);
                }
                StringBuilder q = new StringBuilder();
                query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&")
                        .append(k)
                        .append('=')
                        .append(Session.enc(v)));
                s.cases.run(
                        "negative",
                        op.operationId() + ": query " + what + " → 422 HTTPValidationError",
                        () -> expect422(s.target.send(op.method(), path + q, null, s.main)));
            });
        }
    }

    private static void bodyChecks(Session s, SpecConformance.Operation op, JsonNode schema) {
        String path = op.template().replaceAll("\\{[^/}]+}", AuthChecks.NO_SUCH_ID);
        ObjectNode valid = JSON.createObjectNode();
        for (JsonNode required : schema.path("required")) {
            valid.put(required.asText(), s.experimentId == null ? "exp_conformance_none" : s.experimentId);
        }
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("malformed JSON", "{\"" + schema.path("required").path(0).asText("x") + "\":");
        if ("object".equals(schema.path("type").asText())) {
            bad.put("a JSON array instead of an object", "[]");
        }
        for (JsonNode required : schema.path("required")) {
            ObjectNode without = valid.deepCopy();
            without.remove(required.asText());
            bad.put("without required " + required.asText(), without.toString());
        }
        schema.path("properties").fields().forEachRemaining(p -> {
            JsonNode ps = resolve(s, p.getValue());
            boolean string = "string".equals(ps.path("type").asText());
            for (JsonNode alt : ps.path("anyOf")) {
                string |= "string".equals(alt.path("type").asText());
            }
            if (string) {
                bad.put(
                        p.getKey() + " a number (not a string)",
                        valid.deepCopy().put(p.getKey(), 12345).toString());
            }
            if (ps.has("minLength") && ps.get("minLength").asInt() > 0) {
                bad.put(
                        p.getKey() + " shorter than minLength " + ps.get("minLength"),
                        valid.deepCopy().put(p.getKey(), "").toString());
            }
        });
        // a POST to a collection may create something on a server that ignored the constraint: a run counts against
        // --max-runs, an experiment is deleted at the end; both are remembered for the clean-up
        boolean creates = op.node().path("responses").has("200")
                && "POST".equals(op.method())
                && !op.template().contains("{");
        bad.forEach((what, body) ->
                s.cases.run("negative", op.operationId() + ": body " + what + " → 422 HTTPValidationError", () -> {
                    if (creates && op.template().equals(Target.RUNS)) {
                        expect422(s.mayCreate(body, "a bad " + op.operationId() + " body"));
                    } else if (creates && op.template().equals(Target.EXPERIMENTS)) {
                        expect422(s.mayCreateExperiment(body, null, "a bad " + op.operationId() + " body"));
                    } else if (s.readOnly) {
                        throw Cases.skip("--read-only: a request body is a write");
                    } else {
                        expect422(s.target.send(op.method(), path, body, s.main));
                    }
                }));
    }

    private static void expect422(Target.Exchange e) {
        Cases.expect(e.status() == 422, "expected 422, got %s", e);
        JsonNode detail = e.json().path("detail");
        Cases.expect(detail.isArray() && detail.size() > 0, "a 422 without any problem in 'detail': %s", e);
    }

    private static JsonNode resolve(Session s, JsonNode schema) {
        return schema.has("$ref") ? s.judge.spec().resolve(schema.get("$ref").asText()) : schema;
    }
}
