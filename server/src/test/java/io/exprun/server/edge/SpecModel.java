package io.exprun.server.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operations of openapi/experiment-runs.yaml as the property tests need them: method, path template, parameters
 * with their (resolved) schemas, the request body schema, and the declared response statuses. Read from the very
 * file the server was generated from, so a new operation, parameter or constraint in the spec is tested without
 * touching the tests.
 */
record SpecModel(JsonNode spec, List<Op> operations) {

    record Param(String name, String in, boolean required, JsonNode schema) {
        boolean isInteger() {
            return "integer".equals(schema.path("type").asText());
        }

        boolean isDate() {
            return "date".equals(schema.path("format").asText());
        }

        /** A pattern's valid values: the schema's examples (no generator writes strings for any regex). */
        List<String> examples() {
            List<String> values = new ArrayList<>();
            schema.path("examples").forEach(v -> values.add(v.asText()));
            return values;
        }

        List<String> enumValues() {
            List<String> values = new ArrayList<>();
            schema.path("enum").forEach(v -> values.add(v.asText()));
            return values;
        }
    }

    record Op(String id, String method, String path, List<Param> params, JsonNode body, Set<Integer> statuses) {
        List<Param> in(String where) {
            return params.stream().filter(p -> p.in().equals(where)).toList();
        }

        Param param(String name) {
            return params.stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .orElse(null);
        }

        /** The path with each {@code {name}} replaced by the given id. */
        String pathWith(String id) {
            return path.replaceAll("\\{[^}]+}", id);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static SpecModel load() {
        JsonNode spec = SpecConformance.load().spec();
        List<Op> ops = new ArrayList<>();
        spec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(e -> {
                    JsonNode op = e.getValue();
                    if (!op.has("operationId")) {
                        return;
                    }
                    List<Param> params = new ArrayList<>();
                    op.path("parameters")
                            .forEach(p -> params.add(new Param(
                                    p.path("name").asText(),
                                    p.path("in").asText(),
                                    p.path("required").asBoolean(false),
                                    resolve(spec, p.path("schema")))));
                    JsonNode body = resolve(
                            spec,
                            op.path("requestBody")
                                    .path("content")
                                    .path("application/json")
                                    .path("schema"));
                    Set<Integer> statuses = new TreeSet<>();
                    op.path("responses").fieldNames().forEachRemaining(s -> statuses.add(Integer.parseInt(s)));
                    ops.add(new Op(
                            op.path("operationId").asText(),
                            e.getKey().toUpperCase(),
                            path.getKey(),
                            params,
                            body.isMissingNode() ? null : body,
                            statuses));
                }));
        return new SpecModel(spec, List.copyOf(ops));
    }

    static JsonNode resolve(JsonNode spec, JsonNode schema) {
        JsonNode ref = schema.path("$ref");
        return ref.isTextual() ? resolve(spec, spec.at(ref.asText().substring(1))) : schema;
    }
}
