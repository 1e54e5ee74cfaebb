package io.exprun.server.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.model.AnnotatedMethod;

/**
 * The operations of the spec the server was generated from, read from that very file (the exprun-openapi jar), each
 * under its {@code operationId}, which the generated interfaces carry on their methods ({@link OperationId}). This is
 * how the edge asks the spec, not Java, which operations need a key ({@code security}), which answer a page, and which
 * may wait.
 */
public final class SpecOperations {

    /**
     * One operation: its operationId, whether its effective {@code security} asks for a credential, and whether it
     * answers a page of a collection (its 200 is a schema with {@code list_metadata}): the requests whose cost grows
     * with the page, which fair shares bound apart from the rest.
     */
    public record Operation(String id, boolean requiresKey, boolean answersPage, String waitParameter) {

        /**
         * Whether a request of this operation asks to wait (the spec's {@code x-long-poll} names the query parameter
         * that does): it is then bounded as a wait, not as a request in progress.
         */
        public boolean asksToWait(java.util.Map<String, ? extends java.util.List<String>> query) {
            return waitParameter != null && query.containsKey(waitParameter);
        }
    }

    private final Map<String, Operation> byId;
    private final Set<String> pagePaths;

    private SpecOperations(Map<String, Operation> byId, Set<String> pagePaths) {
        this.byId = byId;
        this.pagePaths = pagePaths;
    }

    public static SpecOperations of(SpecDocument spec) {
        return of(spec.tree());
    }

    static SpecOperations of(JsonNode spec) {
        JsonNode rootSecurity = spec.path("security");
        Map<String, Operation> ops = new LinkedHashMap<>();
        Set<String> pages = new TreeSet<>();
        spec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    JsonNode operation = op.getValue();
                    if (!operation.has("operationId")) {
                        return; // path-level keys such as `parameters`
                    }
                    JsonNode security = operation.has("security") ? operation.get("security") : rootSecurity;
                    if ("get".equals(op.getKey()) && answersPage(spec, operation)) {
                        pages.add(path.getKey());
                    }
                    ops.put(
                            operation.get("operationId").asText(),
                            new Operation(
                                    operation.get("operationId").asText(),
                                    requiresCredential(security),
                                    answersPage(spec, operation),
                                    operation.path("x-long-poll").isTextual()
                                            ? operation.get("x-long-poll").asText()
                                            : null));
                }));
        return new SpecOperations(Map.copyOf(ops), Set.copyOf(pages));
    }

    /**
     * OpenAPI: {@code security} is a list of alternatives; an empty alternative ({@code {}}) means "no credential",
     * an absent or empty list means the operation is public.
     */
    private static boolean requiresCredential(JsonNode security) {
        if (!security.isArray() || security.isEmpty()) {
            return false;
        }
        for (JsonNode alternative : security) {
            if (alternative.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the operation's 200 answer is a page: its schema (a local {@code $ref} followed) has {@code list_metadata}. */
    private static boolean answersPage(JsonNode spec, JsonNode operation) {
        JsonNode schema = operation.at("/responses/200/content/application~1json/schema");
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/")) {
            schema = spec.at(ref.substring(1));
        }
        return schema.path("properties").has("list_metadata");
    }

    /**
     * The spec operation a resource method serves: the one named by the {@link OperationId} the generator put on the
     * method it implements (JAX-RS's annotation inheritance finds that declaration, as Jersey does for {@code @GET}).
     * Empty for a method that is no spec operation's.
     */
    public Optional<Operation> servedBy(Method method) {
        return Optional.ofNullable(new AnnotatedMethod(method).getAnnotation(OperationId.class))
                .map(id -> byId.get(id.value()));
    }

    /**
     * The paths, as the spec writes them, whose GET answers a page: the front door weighs those requests by their cost
     * before Jersey has matched anything (a path spelled otherwise is weighed as any other request).
     */
    public Set<String> pagePaths() {
        return pagePaths;
    }

    /** Every operationId of the spec: the closed set of values the metrics' {@code operation} label may take. */
    public Set<String> ids() {
        return new TreeSet<>(byId.keySet());
    }
}
