package io.exprun.server.auth;

import io.exprun.server.spec.SpecOperations;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Deny by default, decided by what Jersey matched rather than by the path text: after matching, every resource
 * method gets the {@link BearerAuthFilter} unless it is a spec operation whose {@code security} asks for no
 * credential or its class is a {@link PublicEndpoint}. So a path in any spelling Jersey accepts (matrix parameters,
 * {@code //}, dot segments, encoded letters) meets the same check as the canonical one, and an operation added to the
 * spec is protected without touching this class. The filter runs before the body is read or validated.
 */
public final class KeyRequiredFeature implements DynamicFeature {

    private final SpecOperations spec;
    private final BearerAuthFilter filter;

    public KeyRequiredFeature(SpecOperations spec, BearerAuthFilter filter) {
        this.spec = spec;
        this.filter = filter;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Class<?> type = resource.getResourceClass();
        if (type != null && type.isAnnotationPresent(PublicEndpoint.class)) {
            return;
        }
        boolean open = type != null
                && resource.getResourceMethod() != null
                && spec.servedBy(type, resource.getResourceMethod())
                        .map(op -> !op.requiresKey())
                        .orElse(false);
        if (!open) {
            context.register(filter);
        }
    }
}
