package io.exprun.server.auth;

import io.exprun.server.spec.SpecOperations;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Optional;

/**
 * Deny by default, decided by what Jersey matched rather than by the path text: after matching, every resource
 * method gets the {@link BearerAuthFilter} unless it is a spec operation whose {@code security} asks for no
 * credential or its class is a {@link PublicEndpoint}. So a path in any spelling Jersey accepts (matrix parameters,
 * {@code //}, dot segments, encoded letters) meets the same check as the canonical one, and an operation added to the
 * spec is protected without touching this class. The filter runs before the body is read or validated. Right after
 * it, a request that asks to wait for a run takes one of its tenant's waits ({@link TenantWaits}).
 */
public final class KeyRequiredFeature implements DynamicFeature {

    private final SpecOperations spec;
    private final BearerAuthFilter filter;
    private final TenantWaits waits;

    public KeyRequiredFeature(SpecOperations spec, BearerAuthFilter filter, TenantWaits waits) {
        this.spec = spec;
        this.filter = filter;
        this.waits = waits;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Class<?> type = resource.getResourceClass();
        if (type != null && type.isAnnotationPresent(PublicEndpoint.class)) {
            return;
        }
        Optional<SpecOperations.Operation> operation =
                resource.getResourceMethod() == null ? Optional.empty() : spec.servedBy(resource.getResourceMethod());
        if (operation.map(op -> !op.requiresKey()).orElse(false)) {
            return;
        }
        context.register(filter);
        context.register(waits.gate(operation.orElse(null)), Priorities.AUTHENTICATION + 1);
    }
}
