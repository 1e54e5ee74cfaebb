package io.exprun.server.spec;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operations of the spec the server was generated from, read from that very file (the exprun-openapi jar), and
 * matched to the Java methods that serve them by HTTP method and path template. This is how the edge asks the spec,
 * not Java, which operations need a key ({@code security}) and what an operation is called ({@code operationId}).
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

    private final Map<String, Operation> byMethodAndPath;

    private SpecOperations(Map<String, Operation> byMethodAndPath) {
        this.byMethodAndPath = byMethodAndPath;
    }

    public static SpecOperations of(SpecDocument spec) {
        return of(spec.tree());
    }

    static SpecOperations of(JsonNode spec) {
        JsonNode rootSecurity = spec.path("security");
        Map<String, Operation> ops = new LinkedHashMap<>();
        spec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    JsonNode operation = op.getValue();
                    if (!operation.has("operationId")) {
                        return; // path-level keys such as `parameters`
                    }
                    JsonNode security = operation.has("security") ? operation.get("security") : rootSecurity;
                    ops.put(
                            key(op.getKey(), path.getKey()),
                            new Operation(
                                    operation.get("operationId").asText(),
                                    requiresCredential(security),
                                    answersPage(spec, operation),
                                    operation.path("x-long-poll").isTextual()
                                            ? operation.get("x-long-poll").asText()
                                            : null));
                }));
        return new SpecOperations(Map.copyOf(ops));
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

    /** The spec operation a resource method serves, found through its JAX-RS annotations (on the generated interface). */
    public Optional<Operation> servedBy(Class<?> resourceClass, Method method) {
        for (Method candidate : definitions(resourceClass, method)) {
            String http = httpMethod(candidate);
            if (http != null) {
                String path = join(pathOf(candidate.getDeclaringClass()), pathOf(candidate));
                return Optional.ofNullable(byMethodAndPath.get(key(http, path)));
            }
        }
        return Optional.empty();
    }

    /** Every operationId of the spec: the closed set of values the metrics' {@code operation} label may take. */
    public Set<String> ids() {
        Set<String> ids = new TreeSet<>();
        byMethodAndPath.values().forEach(o -> ids.add(o.id()));
        return ids;
    }

    private static List<Method> definitions(Class<?> resourceClass, Method method) {
        List<Method> found = new java.util.ArrayList<>();
        found.add(method);
        for (Class<?> c = resourceClass; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    found.add(i.getMethod(method.getName(), method.getParameterTypes()));
                } catch (NoSuchMethodException notThere) {
                    // not declared by this interface
                }
            }
        }
        return found;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String pathOf(java.lang.reflect.AnnotatedElement e) {
        Path p = e.getAnnotation(Path.class);
        return p == null ? "" : p.value();
    }

    private static String join(String a, String b) {
        String joined = ("/" + a + "/" + b).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static String key(String httpMethod, String path) {
        return httpMethod.toUpperCase(Locale.ROOT) + " " + join(path, "");
    }
}
