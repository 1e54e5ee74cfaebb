package io.exprun.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Refuses, before any scenario answers, what the real server refuses, in the order it does: an unknown path (404
 * {@code not_found}), a wrong method (405), a missing or wrong bearer key (401 with {@code WWW-Authenticate}), an id
 * that cannot exist (404 {@code run_not_found}/{@code result_not_found}), and query parameters or bodies that break the
 * spec's schemas (422 listing every problem, in the contract's {@code HTTPValidationError} shape). The rules come
 * from the spec at build time ({@code request-rules.json}, written by {@code GenerateStubMappings}).
 *
 * <p>A little over 250 lines on purpose: the refusal order mirrors the server's and is easiest to check in one place.
 */
final class ContractGate implements StubRequestFilterV2 {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private record Param(String name, boolean required, boolean integer, JsonSchema schema) {}

    /** {@code literals}: the template's characters outside its {parameters}, its precedence as in JAX-RS. */
    private record Rule(
            String method,
            Pattern path,
            int literals,
            List<String> pathParams,
            List<Param> query,
            JsonSchema body,
            boolean bodyRequired) {}

    private final List<Rule> rules = new ArrayList<>();
    private final String apiKey;

    ContractGate(String apiKey) {
        this.apiKey = apiKey;
        JsonNode spec = read("/io/exprun/stub/request-rules.json");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        for (JsonNode op : spec.path("operations")) {
            List<Param> query = new ArrayList<>();
            for (JsonNode p : op.path("query")) {
                query.add(new Param(
                        p.path("name").asText(),
                        p.path("required").asBoolean(),
                        "integer".equals(p.at("/schema/type").asText()),
                        schema(factory, config, spec, p.path("schema"))));
            }
            List<String> pathParams = new ArrayList<>();
            op.path("pathParams").forEach(n -> pathParams.add(n.asText()));
            String regex = "^" + op.path("path").asText().replaceAll("\\{[^/}]+}", "([^/]+)") + "$";
            JsonNode body = op.path("body");
            rules.add(new Rule(
                    op.path("method").asText(),
                    Pattern.compile(regex),
                    op.path("path").asText().replaceAll("\\{[^/}]+}", "").length(),
                    pathParams,
                    query,
                    body.isMissingNode() ? null : schema(factory, config, spec, body.path("schema")),
                    body.path("required").asBoolean()));
        }
    }

    @Override
    public String getName() {
        return "exprun-contract-gate";
    }

    @Override
    public boolean applyToAdmin() {
        return false;
    }

    @Override
    public boolean applyToStubs() {
        return true;
    }

    @Override
    public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
        return refusal(request)
                .map(RequestFilterAction::stopWith)
                .orElseGet(() -> RequestFilterAction.continueWith(request));
    }

    private Optional<com.github.tomakehurst.wiremock.http.ResponseDefinition> refusal(Request request) {
        String path = URI.create(request.getUrl()).getRawPath();
        List<Rule> matching =
                rules.stream().filter(r -> r.path().matcher(path).matches()).toList();
        if (matching.isEmpty()) {
            return Optional.of(
                    envelope(404, "not_found", "Not found", F.objectNode()).build());
        }
        // the most literal template wins, whatever the method, as the server's JAX-RS matches: .../runs is the runs
        // collection (DELETE: 405), never the experiment "runs" of .../{experiment_id}
        int best = matching.stream().mapToInt(Rule::literals).max().orElseThrow();
        List<Rule> forPath = matching.stream().filter(r -> r.literals() == best).toList();
        String method = request.getMethod().getName();
        Optional<Rule> found =
                forPath.stream().filter(r -> r.method().equals(method)).findFirst();
        if (found.isEmpty()) {
            return Optional.of(envelope(405, "method_not_allowed", "Method not allowed", F.objectNode())
                    .withHeader("Allow", forPath.stream().map(Rule::method).collect(Collectors.joining(", ")))
                    .build());
        }
        Rule rule = found.get();
        Optional<ResponseDefinitionBuilder> unauthorized = checkKey(request);
        if (unauthorized.isPresent()) {
            return Optional.of(unauthorized.get().build());
        }
        Matcher m = rule.path().matcher(path);
        m.matches();
        for (int i = 0; i < rule.pathParams().size(); i++) {
            String value = java.net.URLDecoder.decode(
                    m.group(i + 1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            if (!SANE_ID.matcher(value).matches()) { // no such id can exist: what the real server answers for it
                String kind = rule.pathParams().get(i).replace("_id", "");
                return Optional.of(envelope(
                                404,
                                kind + "_not_found",
                                Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
                                F.objectNode().put(rule.pathParams().get(i), value))
                        .build());
            }
        }
        ArrayNode errors = F.arrayNode();
        checkQuery(request, rule, errors);
        checkBody(request, rule, errors);
        if (!errors.isEmpty()) {
            ObjectNode body = F.objectNode();
            body.set("detail", errors);
            return Optional.of(json(422, body).build());
        }
        return Optional.empty();
    }

    private Optional<ResponseDefinitionBuilder> checkKey(Request request) {
        var header = request.header("Authorization");
        if (!header.isPresent() || header.values().isEmpty()) {
            return Optional.of(unauthorized("Missing API key: send Authorization: Bearer <key>", "Bearer"));
        }
        if (header.values().size() > 1) {
            return Optional.of(
                    unauthorized("Send exactly one Authorization header", "Bearer error=\"invalid_request\""));
        }
        String value = header.firstValue();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(
                    unauthorized("Authorization must use the Bearer scheme", "Bearer error=\"invalid_request\""));
        }
        String key = value.substring(7).trim();
        if (key.isEmpty()) {
            return Optional.of(unauthorized("Missing API key: send Authorization: Bearer <key>", "Bearer"));
        }
        if (!key.equals(apiKey)) {
            return Optional.of(unauthorized("Invalid API key", "Bearer error=\"invalid_token\""));
        }
        return Optional.empty();
    }

    private static void checkQuery(Request request, Rule rule, ArrayNode errors) {
        for (Param p : rule.query()) {
            QueryParameter q = request.queryParameter(p.name());
            if (q == null || !q.isPresent() || q.values().isEmpty()) {
                if (p.required()) {
                    error(errors, List.of("query", p.name()), "Field required", "missing", null);
                }
                continue;
            }
            String raw = q.firstValue();
            JsonNode value;
            if (p.integer()) {
                try {
                    value = F.numberNode(Long.parseLong(raw.trim()));
                } catch (NumberFormatException e) {
                    error(
                            errors,
                            List.of("query", p.name()),
                            "Input should be a valid integer, unable to parse string as an integer",
                            "int_parsing",
                            raw);
                    continue;
                }
            } else {
                value = TextNode.valueOf(raw);
            }
            for (ValidationMessage v : p.schema().validate(value)) {
                String[] problem = inPydanticsWords(v);
                error(errors, List.of("query", p.name()), problem[0], problem[1], raw);
            }
        }
    }

    private static void checkBody(Request request, Rule rule, ArrayNode errors) {
        if (rule.body() == null) {
            return;
        }
        byte[] bytes = request.getBody();
        if (bytes == null || bytes.length == 0) {
            if (rule.bodyRequired()) {
                error(errors, List.of("body"), "Field required", "missing", null);
            }
            return;
        }
        String type = request.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
            error(
                    errors,
                    List.of("body"),
                    "Body must be JSON (Content-Type: application/json)",
                    "model_attributes_type",
                    null);
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            error(errors, List.of("body", 0), "JSON decode error", "json_invalid", null);
            return;
        }
        for (ValidationMessage v : rule.body().validate(body)) {
            if (otherThanNull(v)) {
                continue;
            }
            List<Object> loc = new ArrayList<>();
            loc.add("body");
            for (int i = 0; i < v.getInstanceLocation().getNameCount(); i++) {
                loc.add(v.getInstanceLocation().getElement(i));
            }
            boolean missing = "required".equals(v.getType());
            if (missing) {
                loc.add(v.getProperty());
            }
            // the server reads a null where a value is required as the field missing (as generated clients send it)
            missing |= "type".equals(v.getType())
                    && v.getInstanceNode() != null
                    && v.getInstanceNode().isNull();
            String[] problem = missing ? new String[] {"Field required", "missing"} : inPydanticsWords(v);
            error(errors, loc, problem[0], problem[1], null);
        }
    }

    /**
     * The null branch of a nullable field's {@code anyOf: [{…}, {type: 'null'}]} refusing a value that is not null:
     * the other branch's violation says what is wrong with it, and the server reports that one alone ({@code "name":
     * ""} is one {@code string_too_short} at {@code body.name}, not that and "not null").
     */
    private static boolean otherThanNull(ValidationMessage v) {
        return "type".equals(v.getType())
                && v.getSchemaNode() != null
                && "null".equals(v.getSchemaNode().asText())
                && v.getInstanceNode() != null
                && !v.getInstanceNode().isNull();
    }

    /**
     * [msg, type] of a schema violation in the words the server uses (pydantic's, as FastAPI answers): a JSON Schema
     * keyword and its value (v.getSchemaNode()) become e.g. "Input should be less than or equal to 100",
     * "less_than_equal".
     */
    private static String[] inPydanticsWords(ValidationMessage v) {
        JsonNode k = v.getSchemaNode();
        String keyword = v.getType();
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
                k.forEach(e -> values.add("'" + e.asText() + "'"));
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
                    default -> new String[] {"Input should be a valid " + k.asText(), "model_attributes_type"};
                };
            default -> new String[] {v.getMessage().replaceFirst("^\\S*: ", ""), "value_error"};
        };
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

    private static ResponseDefinitionBuilder unauthorized(String message, String challenge) {
        return envelope(401, "unauthorized", message, F.objectNode()).withHeader("WWW-Authenticate", challenge);
    }

    private static ResponseDefinitionBuilder envelope(int status, String code, String message, ObjectNode details) {
        ObjectNode body = F.objectNode();
        body.putObject("detail").put("code", code).put("message", message).set("details", details);
        return json(status, body);
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString());
    }

    private static JsonSchema schema(
            JsonSchemaFactory factory, SchemaValidatorsConfig config, JsonNode rules, JsonNode schema) {
        ObjectNode root = F.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", rules.path("$defs"));
        if (schema.isObject()) {
            root.setAll((ObjectNode) schema);
        }
        return factory.getSchema(root, config);
    }

    static JsonNode read(String resource) {
        try (InputStream in = ContractGate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource + " is missing from the exprun-stub jar (built by GenerateStubMappings)");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
