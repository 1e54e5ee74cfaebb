package io.exprun.server.api;

import io.exprun.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.Collection;
import java.util.List;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * A query parameter the matched operation declares as one value (every one in the spec today: no parameter is an
 * array) given more than once is refused 422 at {@code ["query", name]}: JAX-RS would silently take the first value,
 * a proxy or another framework the last, so {@code ?limit=5&limit=500} would mean different pages to different
 * readers. Parameters the operation does not declare are ignored, as elsewhere. Runs with the other checks of the
 * matched operation, after authentication.
 */
@Priority(Priorities.USER)
public final class RepeatedQueryParameters implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        ResourceMethod method = ((ExtendedUriInfo) request.getUriInfo()).getMatchedResourceMethod();
        if (method == null) {
            return;
        }
        var query = request.getUriInfo().getQueryParameters();
        for (Parameter p : method.getInvocable().getParameters()) {
            if (p.getSource() != Parameter.Source.QUERY || Collection.class.isAssignableFrom(p.getRawType())) {
                continue;
            }
            List<String> values = query.get(p.getSourceName());
            if (values != null && values.size() > 1) {
                request.abortWith(ErrorResponses.validation(List.of(ErrorResponses.error(
                        List.of("query", p.getSourceName()),
                        "Input should be given once; got " + values.size() + " values",
                        "value_error",
                        String.join(",", values)))));
                return;
            }
        }
    }
}
