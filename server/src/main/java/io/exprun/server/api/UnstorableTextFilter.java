package io.exprun.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.RefusedAsNotFound;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.error.ValidationProblem;
import io.exprun.server.generated.model.ValidationError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Text exprun stores is Unicode text without U+0000, the same on every database: PostgreSQL rejects NUL in a string
 * with an error that would otherwise read as an outage, SQLite would store it, and an unpaired surrogate (a JSON
 * escape such as {@code "\ud800"} that pairs with nothing) is no character at all, so neither database can give it
 * back. Such text is refused wherever a request carries it, before anything reaches SQL:
 * <ul>
 *   <li>a body: every string of the JSON the resource receives, values and keys, 422 at its wire location
 *       ({@code ["body", "documents", 0, "handle_inputs", "d", "document", "id"]});</li>
 *   <li>a query value, or a header parameter the matched operation declares (e.g. {@code Idempotency-Key}, which is
 *       stored) should a transport pass a raw NUL byte on (Jetty refuses it first, 400): 422 naming it;</li>
 *   <li>an id in the path: Jetty refuses an encoded NUL in a path first (400); should a transport pass one on, it
 *       names nothing that can exist, so 404 as for any unknown id.</li>
 * </ul>
 * Runs after authentication, before the resource method; the body is checked as it is read.
 */
@Priority(Priorities.USER)
public final class UnstorableTextFilter implements ContainerRequestFilter, ReaderInterceptor {

    private static final char NUL = '\u0000';
    private static final String TYPE = "string_unicode";
    private static final String NUL_MESSAGE = "Input should not contain NUL (U+0000) characters";
    private static final String SURROGATE_MESSAGE =
            "Input should be valid Unicode text: it contains an unpaired surrogate, which is not a character";
    /** Enough to show a client every mistake of a sane body, without answering a hostile one at length. */
    private static final int MAX_REPORTED = 100;

    private final ObjectMapper json;

    public UnstorableTextFilter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
        for (Map.Entry<String, List<String>> p : path.entrySet()) {
            for (String value : p.getValue()) {
                if (value.indexOf(NUL) >= 0) {
                    throw switch (p.getKey()) {
                        case "run_id" -> RefusedAsNotFound.run(value);
                        case "result_id" -> RefusedAsNotFound.result(value);
                        case "experiment_id" -> RefusedAsNotFound.experiment(value);
                        default -> new jakarta.ws.rs.NotFoundException();
                    };
                }
            }
        }
        for (Map.Entry<String, List<String>> q :
                request.getUriInfo().getQueryParameters().entrySet()) {
            for (String value : q.getValue()) {
                if (value.indexOf(NUL) >= 0 || q.getKey().indexOf(NUL) >= 0) {
                    refuse(request, "query", q.getKey(), value);
                    return;
                }
            }
        }
        for (String header : declaredHeaders(request)) {
            for (String value : request.getHeaders().getOrDefault(header, List.of())) {
                if (value.indexOf(NUL) >= 0) {
                    refuse(request, "header", header, value);
                    return;
                }
            }
        }
    }

    /** The body as the resource will receive it, every string checked at its wire location. */
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object entity = context.proceed();
        if (entity != null) {
            List<ValidationError> errors = new ArrayList<>();
            check(json.valueToTree(entity), new ArrayList<>(List.of("body")), errors);
            if (!errors.isEmpty()) {
                throw new ValidationProblem(errors);
            }
        }
        return entity;
    }

    private static void check(JsonNode node, List<Object> loc, List<ValidationError> errors) {
        if (errors.size() >= MAX_REPORTED) {
            return;
        }
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            if (problem != null) {
                errors.add(ErrorResponses.error(List.copyOf(loc), problem, TYPE, null));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                loc.add(i);
                check(node.get(i), loc, errors);
                loc.remove(loc.size() - 1);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String keyProblem = problem(field.getKey());
                loc.add(keyProblem == null ? field.getKey() : shown(field.getKey()));
                if (keyProblem != null && errors.size() < MAX_REPORTED) {
                    errors.add(ErrorResponses.error(List.copyOf(loc), keyProblem, TYPE, null));
                }
                check(field.getValue(), loc, errors);
                loc.remove(loc.size() - 1);
            }
        }
    }

    /** Why this text cannot be stored, or null when it can. */
    static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == NUL) {
                return NUL_MESSAGE;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return SURROGATE_MESSAGE;
                }
            } else if (Character.isLowSurrogate(c)) {
                return SURROGATE_MESSAGE;
            }
        }
        return null;
    }

    /** A key as it can be written back in a location: an unpaired surrogate would make the answer unwritable. */
    private static String shown(String key) {
        StringBuilder b = new StringBuilder(key.length());
        key.codePoints()
                .forEach(cp -> b.appendCodePoint(Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp));
        return b.toString();
    }

    /** The header parameters of the matched resource method, as the generated interface declares them. */
    private static List<String> declaredHeaders(ContainerRequestContext request) {
        ResourceMethod method = ((ExtendedUriInfo) request.getUriInfo()).getMatchedResourceMethod();
        if (method == null) {
            return List.of();
        }
        return method.getInvocable().getParameters().stream()
                .filter(p -> p.getSource() == Parameter.Source.HEADER)
                .map(Parameter::getSourceName)
                .toList();
    }

    private static void refuse(ContainerRequestContext request, String where, String name, String value) {
        request.abortWith(ErrorResponses.validation(
                List.of(ErrorResponses.error(List.of(where, name), NUL_MESSAGE, TYPE, value))));
    }
}
