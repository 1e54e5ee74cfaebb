package io.exprun.server.http;

import io.exprun.server.config.Limits;
import io.exprun.server.domain.ErrorCode;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.Metrics;
import io.exprun.server.spec.JsonMapper;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * sending can read the answer), 408 if incomplete after the body timeout. Then {@link #admission} lets the request onto
 * an API thread or answers 429: the one place where requests wait for an API thread, where a fairer queue goes.
 */
public final class EdgeHandler extends Handler.Wrapper {

    private static final int MAX_BODY = JsonMapper.MAX_BUFFERED_BODY_BYTES;
    private final ThreadPoolExecutor apiPool;
    private final Semaphore admission;
    private final long bodyTimeoutMs;
    private final Metrics metrics;
    final DoorAnswers answers;

    /** @param api Jersey, run on {@code apiPool}, which must not reject: admission bounds what it is given */
    public EdgeHandler(Handler api, ThreadPoolExecutor apiPool, Limits limits, Metrics metrics) {
        super(api);
        this.apiPool = apiPool;
        this.admission = new Semaphore(apiPool.getMaximumPoolSize() + limits.httpQueue());
        this.bodyTimeoutMs = limits.bodyTimeout().toMillis();
        this.metrics = metrics;
        this.answers = new DoorAnswers(metrics);
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
        if (!admission.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            String why = "The server is at capacity; retry after a moment";
            String json = ErrorResponses.envelopeJson(ErrorCode.OVERLOADED.wire(), why);
            answers.answer(request, response, callback, 429, DoorAnswers.JSON, json, why);
            return;
        }
        request.addIdleTimeoutListener(idle -> false); // while Jersey works: its deadlines are the database's
        apiPool.execute(() -> {
            try {
                getHandler().handle(request, response, callback);
            } catch (Throwable t) {
                callback.failed(t);
            } finally {
                admission.release();
            }
        });
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
