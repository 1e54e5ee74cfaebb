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
 * Fair shares between tenants: once its key is checked, a request holds one of its tenant's {@link Bound#REQUESTS}
 * permits, and a request for a page of a collection (the spec says which: {@code SpecOperations.Operation#answersPage})
 * one of its {@link Bound#LISTS} permits too, until Jersey reports the request finished, however it ends (answered,
 * aborted by a later filter, failed, its client gone). A tenant with every permit of a bound in use is answered at once
 * with 429 + {@code Retry-After} naming the bound, instead of queueing behind its own requests, so one tenant's burst
 * cannot take every API thread, and its lists (CPU work that grows with the page) cannot take every core. A request
 * that asks to wait for a run holds no thread while it waits: it takes one of its tenant's {@link Bound#WAITS}, a bound
 * of its own, instead of a request permit.
 */
public final class TenantShares {

    private static final String HELD = "exprun.tenantShares.held";

    /** The two bounds: their label in the metrics and the {@code detail.code} of the 429 that says one was hit. */
    public enum Bound {
        REQUESTS("requests", ErrorCode.TENANT_OVER_LIMIT),
        LISTS("lists", ErrorCode.TENANT_LISTS_OVER_LIMIT),
        WAITS("waits", ErrorCode.TENANT_WAITS_OVER_LIMIT);

        private final String label;
        private final String code;

        Bound(String label, ErrorCode code) {
            this.label = label;
            this.code = code.wire();
        }

        public String label() {
            return label;
        }

        public String code() {
            return code;
        }
    }

    /** Told of every request refused for a bound (a metric; must not block). */
    @FunctionalInterface
    public interface Refusals {
        void refused(String tenant, Bound bound);
    }

    private record Share(Semaphore requests, Semaphore lists, Semaphore waits) {}

    private final int maxRequests;
    private final int maxLists;
    private final int maxWaits;
    private final Refusals refusals;
    private final Map<String, Share> shares = new ConcurrentHashMap<>();

    /**
     * @param tenants     the configured tenants (their shares are made up front, so the gauges show them idle)
     * @param maxRequests requests one tenant may have in progress at once
     * @param maxLists    of those, lists (at most {@code maxRequests})
     * @param maxWaits    waits for a run one tenant may have in progress at once
     */
    public TenantShares(Collection<String> tenants, int maxRequests, int maxLists, int maxWaits, Refusals refusals) {
        if (maxRequests < 1 || maxLists < 1 || maxLists > maxRequests) {
            throw new IllegalArgumentException(
                    "need 1 <= maxLists <= maxRequests, got " + maxLists + " and " + maxRequests);
        }
        if (maxWaits < 1) {
            throw new IllegalArgumentException("need maxWaits >= 1, got " + maxWaits);
        }
        this.maxRequests = maxRequests;
        this.maxLists = maxLists;
        this.maxWaits = maxWaits;
        this.refusals = refusals;
        tenants.forEach(this::shareOf);
    }

    private Share shareOf(String tenant) {
        return shares.computeIfAbsent(
                tenant, t -> new Share(new Semaphore(maxRequests), new Semaphore(maxLists), new Semaphore(maxWaits)));
    }

    /**
     * The filter for one operation; it must run right after {@link BearerAuthFilter}, which decides the tenant.
     *
     * @param operation the spec's operation served (null: none of the spec's): whether it answers a page (it also
     *     takes a list permit) and whether a request of it asks to wait (it takes a wait permit instead)
     */
    public ContainerRequestFilter gate(SpecOperations.Operation operation) {
        return new Gate(operation);
    }

    private final class Gate implements ContainerRequestFilter {
        private final SpecOperations.Operation operation;

        Gate(SpecOperations.Operation operation) {
            this.operation = operation;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (operation != null && operation.asksToWait(request.getUriInfo().getQueryParameters())) {
                admitWait(request);
            } else {
                admit(request, operation != null && operation.answersPage());
            }
        }
    }

    private void admit(ContainerRequestContext request, boolean list) {
        if (request.getSecurityContext().getUserPrincipal() == null) {
            return; // not authenticated: BearerAuthFilter has answered 401 already
        }
        String tenant = BearerAuthFilter.tenantOf(request.getSecurityContext());
        Share share = shareOf(tenant);
        // the list permit first: a list refused for its own bound must not hold a request permit meanwhile
        if (list && !share.lists().tryAcquire()) {
            request.abortWith(refuse(tenant, Bound.LISTS));
            return;
        }
        if (!share.requests().tryAcquire()) {
            if (list) {
                share.lists().release();
            }
            request.abortWith(refuse(tenant, Bound.REQUESTS));
            return;
        }
        request.setProperty(
                HELD, list ? new Semaphore[] {share.requests(), share.lists()} : new Semaphore[] {share.requests()});
    }

    /**
     * A request that asks to wait (the spec's {@code x-long-poll}) holds one of its tenant's waits, not a request
     * permit: it holds a thread only while the run is read, and none while it waits, so a burst of waits (200 CI jobs
     * on one run) is bounded by the waits, not refused by the requests in progress. Given back when it is answered,
     * however that ends.
     */
    private void admitWait(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() == null) {
            return; // not authenticated: BearerAuthFilter has answered 401 already
        }
        String tenant = BearerAuthFilter.tenantOf(request.getSecurityContext());
        Share share = shareOf(tenant);
        if (!share.waits().tryAcquire()) {
            request.abortWith(refuse(tenant, Bound.WAITS));
            return;
        }
        request.setProperty(HELD, new Semaphore[] {share.waits()});
    }

    private Response refuse(String tenant, Bound bound) {
        refusals.refused(tenant, bound);
        String message = switch (bound) {
            case LISTS ->
                "This API key's tenant already has " + maxLists + " list requests in progress, the"
                        + " most one tenant may have at once (a page costs more than other requests); other"
                        + " tenants are still served. Retry after a moment";
            case WAITS ->
                "This API key's tenant already has " + maxWaits + " waits for a run in progress,"
                        + " the most one tenant may have at once; other tenants are still served. Retry after a"
                        + " moment";
            case REQUESTS ->
                "This API key's tenant already has " + maxRequests + " requests in progress, the"
                        + " most one tenant may have at once; other tenants are still served. Retry after a"
                        + " moment";
        };
        return Response.fromResponse(ErrorResponses.envelope(
                        429, bound.code(), message, Map.of("bound", bound.label(), "limit", limit(bound))))
                .header(HttpHeaders.RETRY_AFTER, "1")
                .build();
    }

    private int limit(Bound bound) {
        return switch (bound) {
            case REQUESTS -> maxRequests;
            case LISTS -> maxLists;
            case WAITS -> maxWaits;
        };
    }

    /** Permits of {@code bound} that {@code tenant}'s requests hold right now (0 when idle, so a leak shows). */
    public int inProgress(String tenant, Bound bound) {
        Share share = shares.get(tenant);
        if (share == null) {
            return 0;
        }
        return switch (bound) {
            case REQUESTS -> maxRequests - share.requests().availablePermits();
            case LISTS -> maxLists - share.lists().availablePermits();
            case WAITS -> maxWaits - share.waits().availablePermits();
        };
    }

    /** The Jersey listener that gives a request's permits back when it is finished; register it on the application. */
    public ApplicationEventListener releaser() {
        // Given back once the response filters are done, before the entity is written: a client that sends its next
        // list as soon as it reads the answer must find the permit free (released on FINISHED only, a sequential
        // client's second list could race the first's release and get a 429). FINISHED covers what never reaches
        // the response filters; release() gives back once.
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
        if (request != null && request.getProperty(HELD) instanceof Semaphore[] held) {
            request.removeProperty(HELD); // once, even were FINISHED ever reported twice
            for (Semaphore permit : held) {
                permit.release();
            }
        }
    }
}
