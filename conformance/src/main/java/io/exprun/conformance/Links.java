package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The spec's OpenAPI {@code links}, followed: from the 200 answer of one operation to the request of another, with
 * each parameter taken from that answer ({@code $response.body#/pointer}). The stateful checks reach the next call
 * this way, as any tool that chains calls by the spec does, so a link that leads nowhere fails them.
 */
final class Links {

    private Links() {}

    /**
     * The request path (query included) the link from {@code from}'s 200 answer to {@code to} makes of {@code answer},
     * or empty when the spec declares no such link.
     */
    static Optional<String> follow(SpecConformance spec, String from, String to, JsonNode answer) {
        return follow(spec, from, 200, to, answer);
    }

    /** As {@link #follow(SpecConformance, String, String, JsonNode)}, from {@code from}'s answer with {@code status}. */
    static Optional<String> follow(SpecConformance spec, String from, int status, String to, JsonNode answer) {
        Optional<SpecConformance.Operation> source = operation(spec, from);
        Optional<SpecConformance.Operation> target = operation(spec, to);
        if (source.isEmpty() || target.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode named : spec.response(source.get(), status).path("links")) {
            JsonNode link = named.has("$ref")
                    ? spec.spec().at(named.get("$ref").asText().substring(1))
                    : named;
            if (to.equals(link.path("operationId").asText())) {
                return Optional.of(request(spec, target.get(), link, answer));
            }
        }
        return Optional.empty();
    }

    private static String request(
            SpecConformance spec, SpecConformance.Operation target, JsonNode link, JsonNode answer) {
        String path = target.template();
        List<String> query = new ArrayList<>();
        for (var it = link.path("parameters").fields(); it.hasNext(); ) {
            var parameter = it.next();
            String value = value(parameter.getValue().asText(), answer);
            if (path.contains("{" + parameter.getKey() + "}")) {
                path = path.replace("{" + parameter.getKey() + "}", Session.enc(value));
            } else {
                query.add(parameter.getKey() + "=" + Session.enc(value));
            }
        }
        return query.isEmpty() ? path : path + "?" + String.join("&", query);
    }

    /** A runtime expression's value; only {@code $response.body#/pointer} is used by exprun's links. */
    private static String value(String expression, JsonNode answer) {
        String prefix = "$response.body#";
        if (!expression.startsWith(prefix)) {
            throw new IllegalArgumentException("unsupported link expression " + expression);
        }
        JsonNode v = answer.at(expression.substring(prefix.length()));
        Cases.expect(v.isValueNode() && !v.isNull(), "the link's %s is not in the answer %s", expression, answer);
        return v.asText();
    }

    private static Optional<SpecConformance.Operation> operation(SpecConformance spec, String operationId) {
        return spec.operations().stream()
                .filter(o -> o.operationId().equals(operationId))
                .findFirst();
    }
}
