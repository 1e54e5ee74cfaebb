package io.exprun.server.api;

import io.exprun.server.domain.RefusedAsNotFound;
import io.exprun.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Text no database here can hold never reaches SQL: PostgreSQL rejects U+0000 in a string parameter with an error
 * that would otherwise read as an outage. A query value containing it is the caller's mistake (422, naming the
 * parameter); an id in the path containing it names nothing that can exist (404, as for any unknown id). The same
 * holds for the header parameters the matched operation declares (the spec's, as the generated interface carries
 * them, e.g. {@code Idempotency-Key}, which is stored), should a transport pass a raw NUL byte on (Jetty refuses
 * it, 400). Runs after authentication, before the resource method.
 */
@Priority(Priorities.USER)
public final class UnstorableTextFilter implements ContainerRequestFilter {

    private static final char NUL = '\u0000';

    @Override
    public void filter(ContainerRequestContext request) {
        MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
        for (Map.Entry<String, List<String>> p : path.entrySet()) {
            for (String value : p.getValue()) {
                if (value.indexOf(NUL) >= 0) {
                    throw switch (p.getKey()) {
                        case "run_id" -> RefusedAsNotFound.run(value);
                        case "result_id" -> RefusedAsNotFound.result(value);
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
        request.abortWith(ErrorResponses.validation(List.of(ErrorResponses.error(
                List.of(where, name), "Input should not contain NUL (U+0000) characters", "string_unicode", value))));
    }
}
