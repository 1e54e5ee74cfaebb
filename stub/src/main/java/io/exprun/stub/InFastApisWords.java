package io.exprun.stub;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.report.ValidationReport.MessageContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The request validator's findings in the words the server answers them with (pydantic's, as FastAPI's 422 has them):
 * each finding becomes one {@code {loc, msg, type}} of the contract's {@code HTTPValidationError}, its numbers and
 * values read from the spec at the schema the validator points to.
 */
final class InFastApisWords {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "validation.request.";
    private static final String COMPONENTS_REF = "#/components/schemas/";

    private InFastApisWords() {}

    /** The 422's {@code detail}: one item per error the validator reported, empty when it reported none. */
    static ArrayNode errors(ValidationReport report, JsonNode spec, JsonNode operation, Request request) {
        ArrayNode errors = F.arrayNode();
        JsonNode body = request.getRequestBody()
                .map(b -> {
                    try {
                        return JSON.readTree(b.toString(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (IOException notJson) {
                        return MissingNode.getInstance();
                    }
                })
                .orElse(MissingNode.getInstance());
        JsonNode bodySchema = operation.at("/requestBody/content/application~1json/schema");
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            String key = m.getKey().startsWith(PREFIX) ? m.getKey().substring(PREFIX.length()) : m.getKey();
            MessageContext context = m.getContext().orElse(MessageContext.empty());
            Parameter parameter = context.getParameter().orElse(null);
            String instance = context.getPointers().map(p -> p.getInstance()).orElse("");
            String schema = context.getPointers().map(p -> p.getSchema()).orElse("");
            if (parameter != null && key.endsWith(".missing")) {
                error(errors, List.of(parameter.getIn(), parameter.getName()), "Field required", "missing", null);
            } else if (parameter != null && key.startsWith("parameter.schema.")) {
                String raw = String.join(
                        ",",
                        "header".equals(parameter.getIn())
                                ? request.getHeaderValues(parameter.getName())
                                : request.getQueryParameterValues(parameter.getName()));
                JsonNode at = resolve(spec, parameterSchema(operation, parameter));
                String[] words = "type".equals(keyword(key))
                                && "integer".equals(at.path("type").asText())
                        ? new String[] {
                            "Input should be a valid integer, unable to parse string as an integer", "int_parsing"
                        }
                        : words(keyword(key), at, m.getMessage());
                error(errors, List.of(parameter.getIn(), parameter.getName()), words[0], words[1], raw);
            } else if (key.equals("body.missing")) {
                error(errors, List.of("body"), "Field required", "missing", null);
            } else if (key.equals("contentType.notAllowed")) {
                error(
                        errors,
                        List.of("body"),
                        "Body must be JSON (Content-Type: application/json)",
                        "model_attributes_type",
                        null);
            } else if (key.equals("body.schema.invalidJson")) {
                error(errors, List.of("body", 0), "JSON decode error", "json_invalid", null);
            } else if (key.startsWith("body.schema.")) {
                List<Object> loc = location(body, instance);
                JsonNode value = body.at(instance.equals("/") ? "" : instance);
                JsonNode at = schemaAt(spec, bodySchema, schema);
                if (keyword(key).equals("required")) {
                    for (JsonNode name : at.path("required")) {
                        if (!value.has(name.asText())
                                || value.get(name.asText()).isNull()) {
                            List<Object> missing = new ArrayList<>(loc);
                            missing.add(name.asText());
                            error(errors, missing, "Field required", "missing", null);
                        }
                    }
                } else if (keyword(key).equals("type") && value.isNull()) {
                    // a null where a value is required reads as the field missing, as the server reads it
                    error(errors, loc, "Field required", "missing", null);
                } else {
                    String[] words = words(keyword(key), at, m.getMessage());
                    error(errors, loc, words[0], words[1], null);
                }
            } else {
                error(errors, List.of("body"), m.getMessage(), "value_error", null);
            }
        }
        return errors;
    }

    /** The JSON Schema keyword of a finding: {@code minimum} of {@code ….schema.minimum}, {@code format} of {@code ….format.date}. */
    private static String keyword(String key) {
        String rest = key.substring(key.indexOf(".schema.") + ".schema.".length());
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }

    /**
     * [msg, type] of a schema violation in the words the server uses: the keyword and its value in the schema become
     * e.g. "Input should be less than or equal to 100", "less_than_equal".
     */
    private static String[] words(String keyword, JsonNode schema, String message) {
        JsonNode k = schema.path(keyword);
        return switch (keyword) {
            case "minimum" ->
                new String[] {"Input should be greater than or equal to " + k.asText(), "greater_than_equal"};
            case "maximum" -> new String[] {"Input should be less than or equal to " + k.asText(), "less_than_equal"};
            case "minLength" ->
                new String[] {
                    "String should have at least " + k.asInt() + " character" + (k.asInt() == 1 ? "" : "s"),
                    "string_too_short"
                };
            case "maxLength" ->
                new String[] {"String should have at most " + k.asInt() + " characters", "string_too_long"};
            case "enum" -> {
                List<String> values = new ArrayList<>();
                k.forEach(e -> {
                    if (!e.isNull()) {
                        values.add("'" + e.asText() + "'");
                    }
                });
                String expected = String.join(", ", values).replaceFirst(", ([^,]*)$", " or $1");
                yield new String[] {"Input should be " + expected, "enum"};
            }
            case "format" ->
                "date".equals(k.asText())
                        ? new String[] {"Input should be a valid date in the format YYYY-MM-DD", "date_parsing"}
                        : new String[] {"Input should be a valid " + k.asText(), "value_error"};
            case "pattern" ->
                new String[] {"String should match pattern '" + k.asText() + "'", "string_pattern_mismatch"};
            case "type" ->
                switch (k.asText()) {
                    case "integer" -> new String[] {"Input should be a valid integer", "int_type"};
                    case "string" -> new String[] {"Input should be a valid string", "string_type"};
                    case "boolean" -> new String[] {"Input should be a valid boolean", "bool_type"};
                    case "number" -> new String[] {"Input should be a valid number", "float_type"};
                    case "array" -> new String[] {"Input should be a valid list", "list_type"};
                    default -> new String[] {"Input should be a valid dictionary", "model_attributes_type"};
                };
            default -> new String[] {message.replaceFirst("^\\[Path '[^']*'] ", ""), "value_error"};
        };
    }

    /** {@code loc} after "body": the pointer's steps, an array's index as a number. */
    private static List<Object> location(JsonNode body, String pointer) {
        List<Object> loc = new ArrayList<>();
        loc.add("body");
        JsonNode at = body;
        for (String step : pointer.split("/")) {
            if (step.isEmpty()) {
                continue;
            }
            String name = step.replace("~1", "/").replace("~0", "~");
            if (at.isArray()) {
                loc.add(Integer.parseInt(name));
                at = at.path(Integer.parseInt(name));
            } else {
                loc.add(name);
                at = at.path(name);
            }
        }
        return loc;
    }

    private static JsonNode parameterSchema(JsonNode operation, Parameter parameter) {
        for (JsonNode p : operation.path("parameters")) {
            if (p.path("name").asText().equals(parameter.getName())
                    && p.path("in").asText().equals(parameter.getIn())) {
                return p.path("schema");
            }
        }
        return MissingNode.getInstance();
    }

    /** The schema the validator's pointer names, from {@code root}, following every reference on the way. */
    private static JsonNode schemaAt(JsonNode spec, JsonNode root, String pointer) {
        JsonNode at = resolve(spec, root);
        for (String step : pointer.split("/")) {
            if (!step.isEmpty()) {
                String name = step.replace("~1", "/").replace("~0", "~");
                at = resolve(spec, at.isArray() ? at.path(Integer.parseInt(name)) : at.path(name));
            }
        }
        return at;
    }

    private static JsonNode resolve(JsonNode spec, JsonNode schema) {
        JsonNode at = schema;
        while (at.path("$ref").asText("").startsWith(COMPONENTS_REF)) {
            at = spec.at("/components/schemas/" + at.path("$ref").asText().substring(COMPONENTS_REF.length()));
        }
        return at;
    }

    private static void error(ArrayNode errors, List<Object> loc, String msg, String type, String input) {
        ObjectNode e = errors.addObject();
        ArrayNode l = e.putArray("loc");
        loc.forEach(x -> {
            if (x instanceof Integer i) {
                l.add(i);
            } else {
                l.add(String.valueOf(x));
            }
        });
        e.put("msg", msg).put("type", type);
        if (input != null) {
            e.put("input", input);
        }
    }
}
