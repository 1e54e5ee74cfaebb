package io.exprun.stub.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec in OpenAPI 3.0's words, for the request validator the stub uses (Atlassian's swagger-request-validator:
 * its releases for Java 17 read 3.0 and silently drop what only 3.1 says). The same paths, parameters, bodies and
 * constraints; only three forms change: a nullable value ({@code anyOf: [X, {type: 'null'}]}) becomes X with
 * {@code nullable: true} (a referenced X inlined, since 3.0 ignores {@code nullable} beside a reference), {@code const}
 * becomes a one-value {@code enum}, and a schema's {@code examples} list, which 3.0 does not have, goes.
 */
final class OpenApi30View {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String COMPONENTS_REF = "#/components/schemas/";

    private OpenApi30View() {}

    static ObjectNode of(JsonNode spec) {
        ObjectNode view = spec.deepCopy();
        view.put("openapi", "3.0.3");
        rewrite(view, spec.at("/components/schemas"));
        return view;
    }

    private static void rewrite(JsonNode node, JsonNode schemas) {
        if (node.isArray()) {
            node.forEach(n -> rewrite(n, schemas));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) node;
        JsonNode anyOf = o.get("anyOf");
        if (anyOf != null && anyOf.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            anyOf.forEach(values::add);
            if (values.removeIf(OpenApi30View::isNull) && values.size() == 1) {
                o.remove("anyOf");
                o.setAll(inlined(values.get(0), schemas));
                o.put("nullable", true);
                if (o.get("enum") instanceof ArrayNode values30) {
                    values30.addNull();
                }
            }
        }
        if (o.has("const")) {
            o.set("enum", F.arrayNode().add(o.remove("const")));
        }
        if (o.get("examples") instanceof ArrayNode) {
            o.remove("examples");
        }
        o.elements().forEachRemaining(n -> rewrite(n, schemas));
    }

    private static ObjectNode inlined(JsonNode schema, JsonNode schemas) {
        String ref = schema.path("$ref").asText("");
        return ref.startsWith(COMPONENTS_REF)
                ? (ObjectNode)
                        schemas.path(ref.substring(COMPONENTS_REF.length())).deepCopy()
                : (ObjectNode) schema.deepCopy();
    }

    private static boolean isNull(JsonNode schema) {
        return schema.size() == 1 && "null".equals(schema.path("type").asText());
    }
}
