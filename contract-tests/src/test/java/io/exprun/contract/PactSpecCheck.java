package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks what a consumer expects against what the spec promises (the "bi-directional" check): every interaction of
 * a pact file (V3 or V4) must address an operation of the spec, expect a status the spec declares for it, and a
 * response body the spec allows for that status; a request body, when the operation declares one and the exchange
 * succeeds, must be valid for it as sent.
 * <p>
 * A pact's response body is what the consumer relies on, usually a subset of the real answer (Pact lets the provider
 * add fields). So it is judged against the consumer's view of the spec: no property is required (the consumer may
 * ignore some), no property the spec does not define is allowed (the consumer would rely on something never
 * promised), and every type, format, enum, const and union variant stays as declared.
 */
final class PactSpecCheck {

    /**
     * Starts the description of an interaction whose answer goes beyond this contract on purpose: a lifecycle status
     * a later version may add, which the consumer must decode without failing. PactsConformToSpecIT holds it to that.
     */
    static final String BEYOND_THE_CONTRACT = "beyond the contract: ";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One interaction of a pact and what the spec says about it. */
    record Interaction(
            String pact, String description, String method, String path, int status, List<String> violations) {}

    private final SpecConformance spec;
    private final SpecConformance consumerView;

    PactSpecCheck(SpecConformance spec) {
        this.spec = spec;
        JsonNode view = spec.spec().deepCopy();
        consumersView(view.path("components").path("schemas"));
        this.consumerView = SpecConformance.of(view.toString());
    }

    /** Every object schema: nothing required, nothing undeclared. */
    private static void consumersView(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            o.remove("required");
            if (o.has("properties") && !o.has("additionalProperties")) {
                o.put("additionalProperties", false);
            }
        }
        node.forEach(PactSpecCheck::consumersView);
    }

    List<Interaction> check(Path pactFile) {
        try {
            return check(pactFile.getFileName().toString(), JSON.readTree(pactFile.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pact " + pactFile, e);
        }
    }

    List<Interaction> check(String name, JsonNode pact) {
        List<Interaction> out = new ArrayList<>();
        for (JsonNode i : pact.path("interactions")) {
            JsonNode request = i.path("request");
            JsonNode response = i.path("response");
            String method = request.path("method").asText("GET").toUpperCase();
            String path = request.path("path").asText() + query(request.path("query"));
            int status = response.path("status").asInt(200);
            List<String> violations = new ArrayList<>();
            JsonNode responseBody = body(response.path("body"));
            violations.addAll(
                    consumerView
                            .violations(
                                    method, path, status, responseBody.isMissingNode() ? "" : responseBody.toString())
                            .stream()
                            .filter(v -> !(responseBody.isMissingNode() && v.endsWith("empty body")))
                            .toList());
            JsonNode requestBody = body(request.path("body"));
            spec.operation(method, path).ifPresent(op -> {
                JsonNode schema = op.node()
                        .path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema");
                if (status / 100 == 2 && !schema.isMissingNode()) {
                    if (requestBody.isMissingNode()) {
                        violations.add("request: the operation requires a JSON body, the pact sends none");
                    } else {
                        spec.violationsAgainst(schema, requestBody).forEach(v -> violations.add("request body: " + v));
                    }
                }
            });
            out.add(new Interaction(name, i.path("description").asText(), method, path, status, violations));
        }
        return out;
    }

    /** V3 keeps the body as JSON; V4 wraps it in {@code {content, contentType, encoded}}. */
    private static JsonNode body(JsonNode body) {
        if (body.isObject() && body.has("content") && body.has("contentType")) {
            JsonNode content = body.get("content");
            if (content.isTextual() && body.path("contentType").asText().contains("json")) {
                try {
                    return JSON.readTree(content.asText());
                } catch (IOException e) {
                    return content;
                }
            }
            return content;
        }
        return body;
    }

    /** V3/V4 queries are {@code {name: [values]}}; V2 a string. */
    private static String query(JsonNode query) {
        if (query.isTextual()) {
            return query.asText().isEmpty() ? "" : "?" + query.asText();
        }
        StringBuilder q = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = query.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode v : e.getValue().isArray()
                    ? e.getValue()
                    : JSON.createArrayNode().add(e.getValue())) {
                q.append(q.length() == 0 ? "?" : "&")
                        .append(e.getKey())
                        .append('=')
                        .append(URLEncoder.encode(v.asText(), StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }
}
