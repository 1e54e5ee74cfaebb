package io.exprun.server.auth;

import io.exprun.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <key>}; the key decides the tenant, which resources read as the
 * {@link SecurityContext} principal. Bound to the matched resource methods that need a key by
 * {@link KeyRequiredFeature} (never to a path prefix), so it runs after resource matching: unknown paths are 404 and
 * wrong methods 405 whether or not a key was sent. Keys are never logged.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerAuthFilter implements ContainerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final ApiKeys keys;

    public BearerAuthFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            request.abortWith(ErrorResponses.unauthorized("Missing API key: send Authorization: Bearer <key>", false));
            return;
        }
        if (values.size() > 1) {
            request.abortWith(ErrorResponses.unauthorized("Send exactly one Authorization header", true));
            return;
        }
        String header = values.get(0).strip();
        if (header.equalsIgnoreCase(PREFIX.strip())) {
            request.abortWith(ErrorResponses.unauthorized("Missing API key: the Bearer token is empty", false));
            return;
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            request.abortWith(ErrorResponses.unauthorized("Authorization must use the Bearer scheme", true));
            return;
        }
        String tenant =
                keys.tenantFor(header.substring(PREFIX.length()).strip()).orElse(null);
        if (tenant == null) {
            request.abortWith(ErrorResponses.unauthorized("Invalid API key", true));
            return;
        }
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new TenantSecurityContext(tenant, secure));
    }

    /**
     * The tenant of an authenticated request. A resource reached without the filter having run is a wiring bug; it is
     * refused as unauthenticated rather than served to nobody in particular.
     */
    public static String tenantOf(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (principal == null) {
            throw new jakarta.ws.rs.WebApplicationException(
                    ErrorResponses.unauthorized("Missing API key: send Authorization: Bearer <key>", false));
        }
        return principal.getName();
    }

    private record TenantSecurityContext(String tenant, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return () -> tenant;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
