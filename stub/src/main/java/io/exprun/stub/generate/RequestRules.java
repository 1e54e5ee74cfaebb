package io.exprun.stub.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What the stub checks on each request, taken from the spec: for every operation its method, path template, query
 * parameters (name, required, schema) and JSON body schema. Schemas reference {@code #/$defs/X}, the spec's
 * component schemas, written once at the top ({@code $defs}): the stub validates with JSON Schema 2020-12, as
 * OpenAPI 3.1 schemas are.
 */
final class RequestRules {

    private static final String COMPONENTS_REF = "#/components/schemas/";

    private RequestRules() {}

    static ObjectNode from(JsonNode spec) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode rules = f.objectNode();
        rules.set("$defs", rewriteRefs(spec.at("/components/schemas").deepCopy()));
        ArrayNode operations = rules.putArray("operations");
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                ObjectNode rule = operations
                        .addObject()
                        .put("method", op.getKey().toUpperCase(java.util.Locale.ROOT))
                        .put("path", path.getKey());
                ArrayNode query = rule.putArray("query");
                ArrayNode pathParams = rule.putArray("pathParams");
                for (JsonNode p : op.getValue().path("parameters")) {
                    if (p.path("in").asText().equals("query")) {
                        query.addObject()
                                .put("name", p.path("name").asText())
                                .put("required", p.path("required").asBoolean())
                                .set("schema", rewriteRefs(p.path("schema").deepCopy()));
                    } else if (p.path("in").asText().equals("path")) {
                        pathParams.add(p.path("name").asText());
                    }
                }
                JsonNode body = op.getValue().path("requestBody");
                if (!body.isMissingNode()) {
                    rule.putObject("body")
                            .put("required", body.path("required").asBoolean())
                            .set(
                                    "schema",
                                    rewriteRefs(body.at("/content/application~1json/schema")
                                            .deepCopy()));
                }
            }
        }
        return rules;
    }

    /** {@code #/components/schemas/X} → {@code #/$defs/X}; the discriminator (an annotation) is dropped. */
    private static JsonNode rewriteRefs(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(COMPONENTS_REF)) {
                o.put("$ref", "#/$defs/" + ref.asText().substring(COMPONENTS_REF.length()));
            }
            o.remove("discriminator");
            o.elements().forEachRemaining(RequestRules::rewriteRefs);
        } else if (node.isArray()) {
            node.forEach(RequestRules::rewriteRefs);
        }
        return node;
    }
}
