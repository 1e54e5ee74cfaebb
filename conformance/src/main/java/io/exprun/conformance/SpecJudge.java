package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.exprun.contract.SpecConformance;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges one answer against the spec: the operation exists, the status is declared for it, the content type is the
 * declared one, the body validates against the declared schema (JSON Schema 2020-12, formats asserted, so a
 * timestamp without an offset fails), and every discriminated union in it names a declared variant (a missing or
 * unknown {@code status} is reported as such, not only as "oneOf failed"). Also says which variants it saw.
 */
final class SpecJudge {

    /** One union value seen: the union schema's name and the discriminator value. */
    record Variant(String union, String value) {}

    /** One union value met in an answer, where, and its violations of the variant schema its discriminator names. */
    record VariantSeen(Variant variant, String schema, String at, List<String> violations) {}

    /** The judgement of one exchange. {@code operationId} is null when the spec has no such operation. */
    record Judgement(String operationId, List<String> violations, List<VariantSeen> variants) {}

    private final SpecConformance spec;

    SpecJudge(SpecConformance spec) {
        this.spec = spec;
    }

    SpecConformance spec() {
        return spec;
    }

    Judgement judge(Target.Exchange e) {
        Optional<SpecConformance.Operation> op = spec.operation(e.method(), e.path());
        List<String> schemaViolations = spec.violations(e.method(), e.path(), e.status(), e.body());
        List<String> violations = new ArrayList<>();
        List<VariantSeen> variants = new ArrayList<>();
        if (op.isEmpty()) {
            return new Judgement(null, schemaViolations, variants);
        }
        JsonNode response = spec.response(op.get(), e.status());
        JsonNode content = response.path("content");
        if (content.isObject() && content.size() > 0) {
            boolean declared = false;
            for (Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
                declared |= e.contentType().toLowerCase().startsWith(it.next().toLowerCase());
            }
            if (!declared) {
                violations.add("Content-Type '" + e.contentType() + "' is not the declared "
                        + content.fieldNames().next());
            }
            JsonNode schema = content.path("application/json").path("schema");
            JsonNode body = e.json();
            if (!schema.isMissingNode() && !body.isMissingNode()) {
                walk(schema, body, "$", violations, variants, 0);
            }
        }
        // the discriminator's own words first: "no 'status'" says more than "valid to 0 of the oneOf schemas"
        violations.addAll(schemaViolations);
        return new Judgement(op.get().operationId(), violations, variants);
    }

    /** Every discriminator value a response of this operation and status may carry, per union. */
    Set<Variant> declaredVariants(SpecConformance.Operation op, String status) {
        Set<Variant> out =
                new TreeSet<>((a, b) -> (a.union() + " " + a.value()).compareTo(b.union() + " " + b.value()));
        JsonNode response = spec.response(op, Integer.parseInt(status));
        collect(response.path("content").path("application/json").path("schema"), null, out, 0);
        return out;
    }

    private void collect(JsonNode schema, String name, Set<Variant> out, int depth) {
        if (schema.isMissingNode() || depth > 16) {
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            collect(spec.resolve(ref), ref.substring(ref.lastIndexOf('/') + 1), out, depth + 1);
            return;
        }
        if (schema.has("discriminator")) {
            schema.path("discriminator")
                    .path("mapping")
                    .fieldNames()
                    .forEachRemaining(v -> out.add(new Variant(name, v)));
        }
        schema.path("properties").forEach(p -> collect(p, null, out, depth + 1));
        collect(schema.path("items"), null, out, depth + 1);
    }

    private void walk(
            JsonNode schema,
            JsonNode value,
            String at,
            List<String> violations,
            List<VariantSeen> variants,
            int depth) {
        walk(schema, null, value, at, violations, variants, depth);
    }

    private void walk(
            JsonNode schema,
            String name,
            JsonNode value,
            String at,
            List<String> violations,
            List<VariantSeen> variants,
            int depth) {
        if (schema.isMissingNode() || depth > 32 || value == null) {
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            walk(
                    spec.resolve(ref),
                    ref.substring(ref.lastIndexOf('/') + 1),
                    value,
                    at,
                    violations,
                    variants,
                    depth + 1);
            return;
        }
        JsonNode discriminator = schema.path("discriminator");
        if (discriminator.isObject() && value.isObject()) {
            String property = discriminator.path("propertyName").asText();
            JsonNode mapping = discriminator.path("mapping");
            JsonNode tag = value.get(property);
            if (tag == null || !tag.isTextual()) {
                violations.add(at + ": no '" + property + "' (the discriminator of " + name + "; declared: "
                        + names(mapping) + ")");
                return;
            }
            if (!mapping.has(tag.asText())) {
                violations.add(at + "." + property + ": '" + tag.asText() + "' is not a variant of " + name
                        + " (declared: " + names(mapping) + ")");
                return;
            }
            String target = mapping.get(tag.asText()).asText();
            variants.add(new VariantSeen(
                    new Variant(name, tag.asText()),
                    target.substring(target.lastIndexOf('/') + 1),
                    at,
                    spec.violationsAgainst(JsonNodeFactory.instance.objectNode().put("$ref", target), value)));
            walk(
                    spec.resolve(target),
                    target.substring(target.lastIndexOf('/') + 1),
                    value,
                    at,
                    violations,
                    variants,
                    depth + 1);
            return;
        }
        if (value.isObject()) {
            schema.path("properties").fields().forEachRemaining(p -> {
                if (value.has(p.getKey())) {
                    walk(
                            p.getValue(),
                            null,
                            value.get(p.getKey()),
                            at + "." + p.getKey(),
                            violations,
                            variants,
                            depth + 1);
                }
            });
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                walk(schema.get("items"), null, value.get(i), at + "[" + i + "]", violations, variants, depth + 1);
            }
        }
    }

    private static String names(JsonNode mapping) {
        List<String> out = new ArrayList<>();
        mapping.fieldNames().forEachRemaining(out::add);
        return String.join(", ", out);
    }
}
