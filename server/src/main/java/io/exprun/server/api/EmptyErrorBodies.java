package io.exprun.server.api;

import io.exprun.server.error.ErrorResponses;
import io.exprun.server.generated.model.ErrorBody;
import io.exprun.server.generated.model.ErrorResponse;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import java.lang.annotation.Annotation;
import java.util.Map;

/**
 * Some requests are refused by Jersey itself without consulting any exception mapper: an unparsable
 * {@code Content-Type} or {@code Accept} header gives a bare 400 with no body. Every error answer gets the contract's
 * envelope all the same ({@code detail.code} {@code http_<status>}).
 */
@Priority(Priorities.ENTITY_CODER)
public final class EmptyErrorBodies implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || response.hasEntity()) {
            return;
        }
        String reason = response.getStatusInfo().getReasonPhrase();
        ErrorResponse body = new ErrorResponse()
                .detail(new ErrorBody()
                        .code(ErrorResponses.httpStatusCode(status))
                        .message(reason == null ? "Request rejected" : reason)
                        .details(Map.of()));
        // the caller's Accept may be what was unparsable: JSON regardless, as for every error
        response.getHeaders().remove("Content-Type");
        response.setEntity(body, new Annotation[0], MediaType.APPLICATION_JSON_TYPE);
    }
}
