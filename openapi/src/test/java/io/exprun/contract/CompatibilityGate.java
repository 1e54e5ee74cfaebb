package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.compare.OpenApiDiffOptions;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.output.MarkdownRender;

/**
 * Is {@code after} safe for clients written against {@code before}? Two judges, both must agree:
 * <ul>
 *   <li>openapi-diff (removed operations, new required parameters or request fields, changed types, …);</li>
 *   <li>a focused check of what a client reads in responses, walking $ref, properties, oneOf/anyOf, items and maps:
 *     <ul>
 *       <li>every field and every union variant a client may read must still be there (removing an optional
 *           response field, or a lifecycle variant, breaks the generated clients);</li>
 *       <li>no union variant and no enum value may be added where a client already reads that union or enum: strict
 *           clients fail on values they do not know (the Retab Java SDK throws {@code InvalidTypeIdException} on an
 *           unknown lifecycle {@code status}; oasdiff classifies these additions as breaking too), unless the spec
 *           marks that union {@code x-extensible-union: true} or that enum {@code x-extensible-enum: true}, a
 *           promise that clients must expect unknown values there.</li>
 *     </ul></li>
 * </ul>
 * Adding an optional response field, a title, a description, or {@code required} to a response schema is compatible.
 */
final class CompatibilityGate {

    static final String OPEN_UNION = "x-extensible-union";
    static final String OPEN_ENUM = "x-extensible-enum";

    private CompatibilityGate() {}

    /** @return why {@code after} breaks clients of {@code before}; empty when it does not */
    static List<String> breakingChanges(String before, String after) {
        List<String> problems = new ArrayList<>();
        ChangedOpenApi diff = diff(before, after);
        if (diff.isIncompatible()) {
            problems.add("openapi-diff: incompatible changes in "
                    + diff.getChangedOperations().size() + " operation(s), "
                    + diff.getMissingEndpoints().size() + " endpoint(s) removed");
        }
        for (ResponseChange c : responseChanges(yaml(before), yaml(after))) {
            if (c.breaking()) {
                problems.add(c.toString());
            }
        }
        return problems;
    }

    /**
     * openapi-diff with its own "response enum / oneOf increased" rules off: the response check below decides those,
     * honouring the open markers openapi-diff does not know.
     */
    private static ChangedOpenApi diff(String before, String after) {
        OpenApiDiffOptions options = OpenApiDiffOptions.builder()
                .configProperty("incompatible.response.enum.increased", "false")
                .configProperty("incompatible.response.oneof.increased", "false")
                .build();
        return OpenApiCompare.fromContents(before, after, null, options);
    }

    /**
     * A readable changelog of {@code after} against {@code before}: what clients read in responses, then every change
     * by location, then openapi-diff's report of the operations.
     */
    static String changelog(String before, String after) {
        StringBuilder out = new StringBuilder(
                "# Changes of the spec against the baseline\n\n## What clients read in responses\n\n");
        List<ResponseChange> changes = responseChanges(yaml(before), yaml(after));
        if (changes.isEmpty()) {
            out.append("No field, union variant or enum value added or removed in any response.\n");
        }
        for (ResponseChange c : changes) {
            out.append("- ")
                    .append(c.breaking() ? "**breaking** " : "")
                    .append(c)
                    .append('\n');
        }
        out.append("\n## Every change, by location\n\n");
        List<String> all = SpecTreeDiff.of(yaml(before), yaml(after));
        out.append(all.isEmpty() ? "None: the spec equals the baseline.\n" : "- " + String.join("\n- ", all) + "\n");
        out.append("\n## openapi-diff (operations)\n\n");
        ByteArrayOutputStream markdown = new ByteArrayOutputStream();
        try (OutputStreamWriter w = new OutputStreamWriter(markdown, StandardCharsets.UTF_8)) {
            new MarkdownRender().render(diff(before, after), w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String rendered = markdown.toString(StandardCharsets.UTF_8).strip();
        out.append(rendered.isEmpty() ? "No changes." : rendered).append('\n');
        return out.toString();
    }

    /** One addition or removal in what a response of an operation can carry. */
    record ResponseChange(String where, String what, boolean added, boolean breaking, String why) {
        @Override
        public String toString() {
            return where + ": " + what + (added ? " added" : " removed") + (why.isEmpty() ? "" : " (" + why + ")");
        }
    }

    private static List<ResponseChange> responseChanges(JsonNode oldSpec, JsonNode newSpec) {
        List<ResponseChange> out = new ArrayList<>();
        oldSpec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    JsonNode current = newSpec.path("paths").path(path.getKey()).path(op.getKey());
                    String where = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                    if (current.isMissingNode()) {
                        out.add(new ResponseChange(where, "operation", false, true, ""));
                        return;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it =
                                    op.getValue().path("responses").fields();
                            it.hasNext(); ) {
                        Map.Entry<String, JsonNode> response = it.next();
                        JsonNode newResponse = current.path("responses").path(response.getKey());
                        String at = where + " → " + response.getKey();
                        if (newResponse.isMissingNode()) {
                            out.add(new ResponseChange(at, "response", false, true, ""));
                            continue;
                        }
                        Map<String, Boolean> had = readable(oldSpec, schemaOf(oldSpec, response.getValue()));
                        Map<String, Boolean> has = readable(newSpec, schemaOf(newSpec, newResponse));
                        had.keySet().stream()
                                .filter(k -> !has.containsKey(k))
                                .forEach(k -> out.add(new ResponseChange(at, k, false, true, "")));
                        has.forEach((k, open) -> {
                            if (had.containsKey(k)) {
                                return;
                            }
                            boolean valueOfKnown = isValue(k)
                                    && (had.containsKey(parent(k)) || parent(k).isEmpty());
                            out.add(new ResponseChange(
                                    at,
                                    k,
                                    true,
                                    valueOfKnown && !open,
                                    !valueOfKnown
                                            ? ""
                                            : open
                                                    ? "marked open: clients must expect unknown values"
                                                    : "strict clients fail on an unknown value; mark the "
                                                            + (k.contains("=")
                                                                    ? "enum " + OPEN_ENUM
                                                                    : "union " + OPEN_UNION)
                                                            + ": true if clients must expect new ones"));
                        });
                    }
                }));
        return out;
    }

    /** A union variant ({@code .lifecycle|Cancelled…}) or an enum value ({@code .block_type=split}). */
    private static boolean isValue(String path) {
        int cut = Math.max(path.lastIndexOf('|'), path.lastIndexOf('='));
        return cut >= 0 && path.lastIndexOf('.') < cut && path.lastIndexOf('[') < cut;
    }

    private static String parent(String path) {
        return path.substring(0, Math.max(path.lastIndexOf('|'), path.lastIndexOf('=')));
    }

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the spec is not valid YAML", e);
        }
    }

    private static JsonNode schemaOf(JsonNode spec, JsonNode response) {
        JsonNode r =
                response.has("$ref") ? spec.at(response.get("$ref").asText().substring(1)) : response;
        return r.path("content").path("application/json").path("schema");
    }

    /**
     * Every path a client can read in a value of this schema ({@code .lifecycle|Cancelled….reason},
     * {@code .block_type=split}), each with whether the union or enum it belongs to is marked open.
     */
    private static Map<String, Boolean> readable(JsonNode spec, JsonNode schema) {
        Map<String, Boolean> out = new TreeMap<>();
        walk(spec, schema, "", false, false, out, 0);
        return out;
    }

    private static void walk(
            JsonNode spec,
            JsonNode schema,
            String at,
            boolean openUnion,
            boolean openEnum,
            Map<String, Boolean> out,
            int depth) {
        if (schema == null || schema.isMissingNode() || depth > 32) {
            return;
        }
        openUnion |= schema.path(OPEN_UNION).asBoolean(false);
        openEnum |= schema.path(OPEN_ENUM).asBoolean(false);
        if (schema.has("$ref")) {
            walk(spec, spec.at(schema.get("$ref").asText().substring(1)), at, openUnion, openEnum, out, depth + 1);
            return;
        }
        schema.path("properties").fields().forEachRemaining(p -> {
            out.put(at + "." + p.getKey(), false);
            walk(spec, p.getValue(), at + "." + p.getKey(), false, false, out, depth + 1);
        });
        for (JsonNode value : schema.path("enum")) {
            out.put(at + "=" + value.asText(), openEnum);
        }
        for (String union : new String[] {"oneOf", "anyOf", "allOf"}) {
            for (JsonNode alternative : schema.path(union)) {
                String name = alternative.has("$ref")
                        ? alternative
                                .get("$ref")
                                .asText()
                                .substring(alternative.get("$ref").asText().lastIndexOf('/') + 1)
                        : alternative.path("type").asText("inline");
                out.put(at + "|" + name, openUnion && !union.equals("allOf"));
                walk(spec, alternative, at + "|" + name, false, false, out, depth + 1);
            }
        }
        if (schema.has("items")) {
            walk(spec, schema.get("items"), at + "[]", false, false, out, depth + 1);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(spec, schema.get("additionalProperties"), at + "{}", false, false, out, depth + 1);
        }
    }
}
