package io.exprun.server.auth;

import io.exprun.server.domain.ErrorCode;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.spec.SpecOperations;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * A bound per tenant on its waits for a run ({@code wait_for}, the spec's {@code x-long-poll}) in progress. A wait
 * holds no thread while it waits, so the API threads' fair queues at the front door ({@code http/FairAdmission}) do not
 * bound it: a tenant's 200 CI jobs waiting on one run hold connections and memory, not threads. Once its key is checked
 * a wait takes one of its tenant's permits until Jersey reports it finished, however it ends; with none left it is
 * answered 429 {@code tenant_waits_over_limit} + {@code Retry-After}, and other tenants' waits are still admitted.
 */
public final class TenantWaits {

    private static final String HELD = "exprun.tenantWaits.held";
    private static final String WAITS = "waits";

    /** Told of every wait refused (a metric; must not block). */
    @FunctionalInterface
    public interface Refusals {
        void refused(String tenant);
    }

    private final int maxWaits;
    private final Refusals refusals;
    private final Map<String, Semaphore> waits = new ConcurrentHashMap<>();

    /**
     * @param tenants  the configured tenants (their permits are made up front, so the gauges show them idle)
     * @param maxWaits waits for a run one tenant may have in progress at once
     */
    public TenantWaits(Collection<String> tenants, int maxWaits, Refusals refusals) {
        if (maxWaits < 1) {
            throw new IllegalArgumentException("need maxWaits >= 1, got " + maxWaits);
        }
        this.maxWaits = maxWaits;
        this.refusals = refusals;
        tenants.forEach(this::permitsOf);
    }

    private Semaphore permitsOf(String tenant) {
        return waits.computeIfAbsent(tenant, t -> new Semaphore(maxWaits));
    }

    /**
     * The filter for one operation; it must run right after {@link BearerAuthFilter}, which decides the tenant.
     *
     * @param operation the spec's operation served (null: none of the spec's): whether a request of it asks to wait
     */
    public ContainerRequestFilter gate(SpecOperations.Operation operation) {
        return request -> {
            if (operation != null && operation.asksToWait(request.getUriInfo().getQueryParameters())) {
                admitWait(request);
            }
        };
    }

    private void admitWait(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() == null) {
            return; // not authenticated: BearerAuthFilter has answered 401 already
        }
        String tenant = BearerAuthFilter.tenantOf(request.getSecurityContext());
        Semaphore permits = permitsOf(tenant);
        if (!permits.tryAcquire()) {
            refusals.refused(tenant);
            String message = "This API key's tenant already has " + maxWaits + " waits for a run in progress, the most"
                    + " one tenant may have at once; other tenants are still served. Retry after a moment";
            request.abortWith(Response.fromResponse(ErrorResponses.envelope(
                            429,
                            ErrorCode.TENANT_WAITS_OVER_LIMIT.wire(),
                            message,
                            Map.of("bound", WAITS, "limit", maxWaits)))
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .build());
            return;
        }
        request.setProperty(HELD, permits);
    }

    /** Waits {@code tenant} has in progress right now (0 when idle, so a leak shows). */
    public int inProgress(String tenant) {
        Semaphore permits = waits.get(tenant);
        return permits == null ? 0 : maxWaits - permits.availablePermits();
    }

    /** The Jersey listener that gives a wait's permit back when it is finished; register it on the application. */
    public ApplicationEventListener releaser() {
        // Given back once the response filters are done, before the entity is written: a client that waits again as
        // soon as it reads the answer must find the permit free. FINISHED covers what never reaches the response
        // filters; release() gives back once.
        RequestEventListener onFinished = event -> {
            if (event.getType() == RequestEvent.Type.RESP_FILTERS_FINISHED
                    || event.getType() == RequestEvent.Type.FINISHED) {
                release(event.getContainerRequest());
            }
        };
        return new ApplicationEventListener() {
            @Override
            public void onEvent(ApplicationEvent event) {}

            @Override
            public RequestEventListener onRequest(RequestEvent requestEvent) {
                return onFinished;
            }
        };
    }

    private static void release(ContainerRequest request) {
        if (request != null && request.getProperty(HELD) instanceof Semaphore held) {
            request.removeProperty(HELD); // once, even were FINISHED ever reported twice
            held.release();
        }
    }
}
