package io.exprun.server.http;

import io.exprun.server.auth.ApiKeys;
import io.exprun.server.config.Limits;
import io.exprun.server.domain.ErrorCode;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.Metrics;
import io.exprun.server.ops.TenantMeters;
import io.exprun.server.spec.JsonMapper;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * exprun's own rules in front of Jersey, on Jetty's threads, never blocking. {@code GET /healthz} and {@code /metrics}
 * are answered here: liveness never waits for the database or a busy pool. Refused: a transfer coding other than chunked
 * (501, RFC 9112 §6.1), {@code CONNECT} (501). A body is read whole without a thread: 413 once it is over the limit
 * (before any {@code 100 Continue} if its Content-Length is; read up to the limit otherwise, so that a client still
 * sending can read the answer), 408 if incomplete after the body timeout. Then {@link FairAdmission} lets it onto an
 * API thread, now or in its tenant's turn, or refuses it: the one place where requests wait for an API thread.
 *
 * <p>The flow (the queue a request waits in) is its tenant, looked up from the raw {@code Authorization} header
 * ({@link ApiKeys#flowOf}), before Jersey checks the key or parses anything; every request without a known key shares
 * one flow, so bad keys cannot take threads from tenants. Its cost: a GET of a page ({@code SpecOperations.pagePaths})
 * counts {@value #LIST_COST}, anything else 1. Measured (BENCHMARKS.md, both with the 2 cores saturated): a list of
 * 50-100 runs at 754 a second (fair shares' baseline, 16 connections) against gets at 5,129 a second (run-ab.sh
 * on SQLite), 6.8 gets' worth of work per list.
 *
 * <p>Jetty 12's own facilities do not do this. {@code QoSHandler} bounds the requests in progress and suspends the rest
 * in one queue ordered by priority (a request's {@code getPriority}): a busy tenant's backlog in a priority level is
 * still served first come, first served, ahead of another tenant's later request; it has no per-flow queue, turn or
 * cost. {@code QueuedThreadPool} queues jobs FIFO. So the mechanism (suspending without a thread, Jetty's scheduler for
 * expiry) is Jetty's, and the policy, deficit round robin ({@link FairQueue}), is this package's, small and tested.
 */
public final class EdgeHandler extends Handler.Wrapper {

    /** What a page of a list costs in gets' worth of an API thread's time: see the class comment. */
    static final int LIST_COST = 7;
    /** The one flow of every request without a known key; no tenant is named so (none can contain a NUL). */
    private static final Object UNAUTHENTICATED = "\0unauthenticated";
    /** The one flow of every request when fair queuing is off (EXPRUN_FAIR_QUEUING=off, to compare against). */
    private static final Object EVERYONE = "\0everyone";

    private static final int MAX_BODY = JsonMapper.MAX_BUFFERED_BODY_BYTES;
    private final FairAdmission admission;
    private final ApiKeys keys;
    private final Set<String> pagePaths;
    private final boolean fair;
    private final long bodyTimeoutMs;
    private final Metrics metrics;
    final DoorAnswers answers;

    /**
     * @param api        Jersey, run on {@code apiPool}, which must not reject: admission bounds what it is given
     * @param pagePaths  the paths whose GET answers a page (they cost {@value #LIST_COST})
     * @param databaseUp whether the database is up: a refusal while it is down is a 503, never a 429
     */
    public EdgeHandler(
            Handler api,
            ThreadPoolExecutor apiPool,
            Limits limits,
            Metrics metrics,
            ApiKeys keys,
            Set<String> pagePaths,
            BooleanSupplier databaseUp,
            TenantMeters meters) {
        super(api);
        int threads = apiPool.getMaximumPoolSize();
        this.admission = new FairAdmission(
                apiPool,
                threads,
                limits.tenantQueue(),
                LIST_COST,
                limits.queueMaxWait().toMillis(),
                databaseUp,
                meters);
        this.keys = keys;
        this.pagePaths = Set.copyOf(pagePaths);
        this.fair = limits.fairQueuing();
        this.bodyTimeoutMs = limits.bodyTimeout().toMillis();
        this.metrics = metrics;
        this.answers = new DoorAnswers(metrics);
        meters.queueDepth(tenant -> admission.depth(fair ? flow(tenant) : EVERYONE));
    }

    private static Object flow(String tenant) {
        return TenantMeters.UNAUTHENTICATED.equals(tenant) ? UNAUTHENTICATED : tenant;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // Jersey runs on the API threads, not on the one that called handle()
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String codings = request.getHeaders().get(HttpHeader.TRANSFER_ENCODING);
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (read && "/healthz".equals(path)) {
            answers.answer(request, response, callback, 200, DoorAnswers.JSON, "{\"status\":\"ok\"}", null);
        } else if (read && "/metrics".equals(path)) {
            String prometheus = "text/plain; version=0.0.4; charset=utf-8";
            answers.answer(request, response, callback, 200, prometheus, metrics.scrape(), null);
        } else if (codings != null && !"chunked".equalsIgnoreCase(codings.strip())) {
            answers.refuse(request, response, callback, 501, "http_501", "Transfer coding not supported: " + codings);
        } else if ("CONNECT".equals(request.getMethod())) {
            answers.refuse(request, response, callback, 501, "http_501", "CONNECT is not supported: this is no proxy");
        } else if (request.getLength() > MAX_BODY && request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
            Response.writeError(request, response, callback, 413, "Request body too large"); // before it is sent
        } else if (request.getLength() == 0) {
            admit(request, response, callback);
        } else {
            readWholeThenAdmit(request, response, callback);
        }
        return true;
    }

    private void readWholeThenAdmit(Request request, Response response, Callback callback) {
        Scheduler timer = request.getComponents().getScheduler();
        var deadline = timer.schedule(() -> request.fail(new TimeoutException()), bodyTimeoutMs, TimeUnit.MILLISECONDS);
        var read = Promise.Invocable.<byte[]>from(InvocationType.NON_BLOCKING, (body, failure) -> {
            deadline.cancel();
            if (failure == null) {
                admit(whole(request, body), response, callback);
            } else if (failure instanceof TimeoutException) {
                String why = "The request body did not arrive within " + bodyTimeoutMs + " ms";
                answers.refuse(request, response, callback, 408, ErrorCode.REQUEST_TIMEOUT.wire(), why);
            } else if (failure instanceof IllegalStateException) { // over the limit, Content.Source's
                Response.writeError(request, response, callback, 413, "Request body too large");
            } else {
                callback.failed(failure); // Jetty answers it: a chunk's framing is a 400, see DoorAnswers
            }
        });
        Content.Source.asByteArrayAsync(request, MAX_BODY, read);
    }

    private void admit(Request request, Response response, Callback callback) {
        var auth = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
        String tenant = auth.size() == 1 ? keys.flowOf(auth.get(0)) : null; // two: a 401 for the unauthenticated
        String label = tenant == null ? TenantMeters.UNAUTHENTICATED : tenant;
        Object flow = !fair ? EVERYONE : tenant == null ? UNAUTHENTICATED : tenant;
        boolean page = "GET".equals(request.getMethod())
                && pagePaths.contains(request.getHttpURI().getPath());
        request.addIdleTimeoutListener(idle -> false); // while queued and while Jersey works: their deadlines rule
        FairAdmission.Job job = new FairAdmission.Job() {
            @Override
            public void run() {
                try {
                    getHandler().handle(request, response, callback);
                } catch (Throwable t) {
                    callback.failed(t);
                }
            }

            @Override
            public void refuse(FairAdmission.Refusal why) {
                refuseQueued(request, response, callback, why, tenant != null);
            }
        };
        admission.submit(
                flow, label, page ? LIST_COST : 1, job, request.getComponents().getScheduler());
    }

    private void refuseQueued(
            Request request, Response response, Callback callback, FairAdmission.Refusal why, boolean tenant) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        int status = 429;
        String code = tenant ? ErrorCode.TENANT_OVER_LIMIT.wire() : ErrorCode.OVERLOADED.wire();
        String whose = tenant ? "This API key's tenant" : "Requests without a valid API key";
        String message = switch (why) {
            case QUEUE_FULL ->
                whose + " already has as many requests waiting for the server as one may have;"
                        + " others are still served. Retry after a moment";
            case WAITED_TOO_LONG ->
                "The request waited for the server longer than it may ("
                        + admission.maxWaitMillis() + " ms) behind " + whose.toLowerCase(java.util.Locale.ROOT)
                        + "'s other requests; others are still served. Retry after a moment";
            case DATABASE_DOWN -> "The service is temporarily unavailable";
        };
        if (why == FairAdmission.Refusal.DATABASE_DOWN) {
            status = 503;
            code = ErrorCode.UNAVAILABLE.wire();
        }
        String json = ErrorResponses.envelopeJson(code, message);
        answers.answer(request, response, callback, status, DoorAnswers.JSON, json, message);
    }

    /** A request whose body has arrived whole: Jersey reads it from memory. */
    private static Request whole(Request request, byte[] bytes) {
        Content.Source body = Content.Source.from(ByteBuffer.wrap(bytes));
        return new Request.Wrapper(request) {
            @Override
            public Content.Chunk read() {
                return body.read();
            }

            @Override
            public void demand(Runnable demandCallback) {
                body.demand(demandCallback);
            }
        };
    }
}
