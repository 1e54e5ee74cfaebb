package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks an HTTP response against what {@code openapi/experiment-runs.yaml} declares for that operation and status,
 * with JSON Schema 2020-12 semantics over the spec's components (OpenAPI 3.1 schemas are 2020-12 schemas) and
 * {@code format} asserted, so a timestamp without an offset fails. A status the operation does not declare fails too.
 * Main code of the conformance kit (which runs it against deployments); the server's and the contract tests' own
 * checks use the same class.
 */
public final class SpecConformance {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPONENTS_REF = "#/components/schemas/";
    /** Where the exprun-openapi artifact carries the spec. */
    public static final String BUNDLED = "io/exprun/openapi/experiment-runs.yaml";

    private final JsonNode spec;
    private final List<Operation> operations = new ArrayList<>();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final SchemaValidatorsConfig config;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    /** One operation of the spec: its id, method, path template and its node in the spec. */
    public record Operation(String operationId, String method, String template, Pattern pattern, JsonNode node) {

        /** The response statuses the spec declares for this operation, in document order. */
        public List<String> declaredStatuses() {
            List<String> out = new ArrayList<>();
            node.path("responses").fieldNames().forEachRemaining(out::add);
            return out;
        }
    }

    private SpecConformance(JsonNode spec) {
        this.spec = spec;
        this.config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        spec.get("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    String regex = "^" + path.getKey().replaceAll("\\{[^/}]+}", "[^/]+") + "$";
                    operations.add(new Operation(
                            op.getValue().path("operationId").asText(op.getKey() + " " + path.getKey()),
                            op.getKey().toUpperCase(Locale.ROOT),
                            path.getKey(),
                            Pattern.compile(regex),
                            op.getValue()));
                }));
    }

    /**
     * The spec named by system property {@code exprun.spec} (set by the build), else the one bundled in the
     * {@code exprun-openapi} artifact on the classpath.
     */
    public static SpecConformance load() {
        return of(specText());
    }

    /** The text of the spec named by {@code exprun.spec}, else of the bundled one. */
    public static String specText() {
        String location = System.getProperty("exprun.spec");
        if (location != null && !location.isBlank()) {
            Path path = Path.of(location);
            try {
                return Files.readString(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the spec at " + path.toAbsolutePath(), e);
            }
        }
        return bundledSpecText();
    }

    /** The spec packaged in the {@code io.exprun:exprun-openapi} jar, at {@value #BUNDLED}. */
    public static String bundledSpecText() {
        try (InputStream in = SpecConformance.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is not on the classpath (the exprun-openapi jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED, e);
        }
    }

    public static SpecConformance of(String yaml) {
        try {
            return new SpecConformance(new ObjectMapper(new YAMLFactory()).readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException("the spec is not valid YAML", e);
        }
    }

    /** The parsed spec. */
    public JsonNode spec() {
        return spec;
    }

    /** Every operation of the spec, in document order. */
    public List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** The operation a concrete request path (query string allowed) and method address, if the spec has one. */
    public Optional<Operation> operation(String method, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return operations.stream()
                .filter(o -> o.method().equals(method.toUpperCase(Locale.ROOT))
                        && o.pattern().matcher(bare).matches())
                .findFirst();
    }

    /** The declared response of an operation for a status ({@code $ref} resolved), or a missing node. */
    public JsonNode response(Operation operation, int status) {
        JsonNode response = operation.node().path("responses").path(Integer.toString(status));
        return response.has("$ref") ? resolve(response.get("$ref").asText()) : response;
    }

    /** Resolves a local reference such as {@code #/components/schemas/ExperimentRun}. */
    public JsonNode resolve(String ref) {
        return spec.at(ref.substring(1));
    }

    /** Validates a JSON value against a schema object from the spec (refs to components resolved). */
    public List<String> violationsAgainst(JsonNode schema, JsonNode value) {
        return schemaFor(schema).validate(value).stream()
                .map(ValidationMessage::getMessage)
                .toList();
    }

    /**
     * @param path the concrete request path, query string allowed ({@code /v1/.../runs/exprun_1/cancel?x=y})
     * @return every violation found; empty when the response conforms
     */
    public List<String> violations(String method, String path, int status, String body) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Optional<Operation> op = operation(method, path);
        if (op.isEmpty()) {
            return List.of(method + " " + bare + ": no such operation in the spec");
        }
        String where = method + " " + op.get().template() + " → " + status;
        JsonNode response = response(op.get(), status);
        if (response.isMissingNode()) {
            return List.of(where + ": status not declared by the spec");
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return List.of();
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (IOException e) {
            return List.of(where + ": body is not JSON: " + abbreviate(body));
        }
        if (parsed == null) {
            return List.of(where + ": empty body");
        }
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schemaFor(schema).validate(parsed)) {
            out.add(where + ": " + m.getMessage());
        }
        return out;
    }

    /** Validates a JSON value against one component schema, e.g. {@code ExperimentRun}. */
    public List<String> violationsOf(String componentSchema, String json) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode().put("$ref", COMPONENTS_REF + componentSchema);
        try {
            return schemaFor(ref).validate(JSON.readTree(json)).stream()
                    .map(ValidationMessage::getMessage)
                    .toList();
        } catch (IOException e) {
            return List.of("not JSON: " + abbreviate(json));
        }
    }

    private JsonSchema schemaFor(JsonNode schema) {
        return schemas.computeIfAbsent(schema.toString(), key -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.set("$defs", rewriteRefs(spec.at("/components/schemas").deepCopy()));
            rewriteRefs(root);
            root.setAll((ObjectNode) rewriteRefs(schema.deepCopy()));
            return factory.getSchema(root, config);
        });
    }

    /** {@code #/components/schemas/X} → {@code #/$defs/X}, everywhere in the tree. */
    private static JsonNode rewriteRefs(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(COMPONENTS_REF)) {
                o.put("$ref", "#/$defs/" + ref.asText().substring(COMPONENTS_REF.length()));
            }
            // OpenAPI's discriminator is an annotation to JSON Schema; its mapping values are refs, not schemas
            o.remove("discriminator");
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                rewriteRefs(it.next());
            }
        } else if (node.isArray()) {
            node.forEach(SpecConformance::rewriteRefs);
        }
        return node;
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
