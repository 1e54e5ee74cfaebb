package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Is {@code after} safe for clients written against {@code before}? Two judges, both must agree:
 * <ul>
 *   <li>openapi-diff (removed operations, new required parameters or request fields, changed types, …);</li>
 *   <li>a focused check of what openapi-diff 2.1 lets through on this OpenAPI 3.1 document: every field and every
 *       union variant a client may read in a response (walking $ref, properties, oneOf/anyOf, items, maps) must still
 *       be there. Removing an optional response field, or a lifecycle variant, breaks the generated clients.</li>
 * </ul>
 */
final class CompatibilityGate {

    private CompatibilityGate() {
    }

    /** @return why {@code after} breaks clients of {@code before}; empty when it does not */
    static List<String> breakingChanges(String before, String after) {
        List<String> problems = new ArrayList<>();
        ChangedOpenApi diff = OpenApiCompare.fromContents(before, after);
        if (diff.isIncompatible()) {
            problems.add("openapi-diff: incompatible changes in " + diff.getChangedOperations().size()
                    + " operation(s), " + diff.getMissingEndpoints().size() + " endpoint(s) removed");
        }
        JsonNode oldSpec = yaml(before);
        JsonNode newSpec = yaml(after);
        oldSpec.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            JsonNode current = newSpec.path("paths").path(path.getKey()).path(op.getKey());
            String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
            if (current.isMissingNode()) {
                problems.add(where + ": operation removed");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = op.getValue().path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                JsonNode newResponse = current.path("responses").path(response.getKey());
                if (newResponse.isMissingNode()) {
                    problems.add(where + " → " + response.getKey() + ": response removed");
                    continue;
                }
                Set<String> had = readable(oldSpec, schemaOf(oldSpec, response.getValue()));
                Set<String> has = readable(newSpec, schemaOf(newSpec, newResponse));
                for (String field : had) {
                    if (!has.contains(field)) {
                        problems.add(where + " → " + response.getKey() + ": " + field + " removed");
                    }
                }
            }
        }));
        return problems;
    }

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the spec is not valid YAML", e);
        }
    }

    private static JsonNode schemaOf(JsonNode spec, JsonNode response) {
        JsonNode r = response.has("$ref") ? spec.at(response.get("$ref").asText().substring(1)) : response;
        return r.path("content").path("application/json").path("schema");
    }

    /** Every path a client can read in a value of this schema: {@code .lifecycle|Cancelled….reason}, … */
    private static Set<String> readable(JsonNode spec, JsonNode schema) {
        Set<String> out = new TreeSet<>();
        walk(spec, schema, "", out, 0);
        return out;
    }

    private static void walk(JsonNode spec, JsonNode schema, String at, Set<String> out, int depth) {
        if (schema == null || schema.isMissingNode() || depth > 32) {
            return;
        }
        if (schema.has("$ref")) {
            walk(spec, spec.at(schema.get("$ref").asText().substring(1)), at, out, depth + 1);
            return;
        }
        schema.path("properties").fields().forEachRemaining(p -> {
            out.add(at + "." + p.getKey());
            walk(spec, p.getValue(), at + "." + p.getKey(), out, depth + 1);
        });
        for (String union : new String[]{"oneOf", "anyOf", "allOf"}) {
            for (JsonNode alternative : schema.path(union)) {
                String name = alternative.has("$ref")
                        ? alternative.get("$ref").asText().substring(alternative.get("$ref").asText().lastIndexOf('/') + 1)
                        : alternative.path("type").asText("inline");
                out.add(at + "|" + name);
                walk(spec, alternative, at + "|" + name, out, depth + 1);
            }
        }
        if (schema.has("items")) {
            walk(spec, schema.get("items"), at + "[]", out, depth + 1);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(spec, schema.get("additionalProperties"), at + "{}", out, depth + 1);
        }
    }
}
