package io.exprun.server.http;

import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.RequestIds;
import io.exprun.server.spec.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Holds a request back, in the filter chain right after the HTTP codec, until its whole body has arrived: the chunks
 * are appended to one another (Grizzly's stop-action remainder) and only the complete request travels on to the
 * handler, so no thread ever waits for a client's bytes. A body still incomplete when the body timeout passes is
 * answered 408 (and the connection closed); a body over the size limit, 413. Both are seen in the access log and the
 * metrics ({@link ChainAnswers}).
 */
public final class WholeBodyFilter extends BaseFilter {

    private static final String DEADLINE = "exprun.bodyDeadline";

    private final Duration timeout;
    private final ScheduledExecutorService timers;
    private final ChainAnswers seen;

    private WholeBodyFilter(Duration timeout, ScheduledExecutorService timers, ChainAnswers seen) {
        this.timeout = timeout;
        this.timers = timers;
        this.seen = seen;
    }

    /** Installs the filter right after the listener's HTTP codec. */
    public static AddOn addOn(Duration timeout, ScheduledExecutorService timers, ChainAnswers seen) {
        return (NetworkListener listener, FilterChainBuilder builder) -> {
            int codec = builder.indexOfType(HttpServerFilter.class);
            builder.add(codec + 1, new WholeBodyFilter(timeout, timers, seen));
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        if (HttpContent.isBroken(content)) {
            // the codec could not read the body: it has answered already and closes the connection
            request.removeAttribute(DEADLINE);
            return ctx.getStopAction();
        }
        if (content.isLast()) {
            request.removeAttribute(DEADLINE); // complete: its deadline no longer applies
            return ctx.getInvokeAction();
        }
        Object deadline = request.getAttribute(DEADLINE);
        if (deadline == null) {
            long at = System.nanoTime() + timeout.toNanos();
            request.setAttribute(DEADLINE, at);
            Connection<?> connection = ctx.getConnection();
            timers.schedule(
                    () -> {
                        if (request.getAttribute(DEADLINE) != null && !request.isContentBroken()) {
                            // still incomplete: answer down the chain from here (the codec encodes it), then hang up
                            request.removeAttribute(DEADLINE);
                            request.setContentBroken(true);
                            connection.write(timeoutAnswer(request));
                            connection.close(); // graceful: after the pending write
                        }
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (System.nanoTime() > (Long) deadline) {
            return ctx.getStopAction(); // the timer answers and hangs up
        }
        Buffer body = content.getContent();
        if (body != null && body.remaining() > JsonMapper.MAX_BUFFERED_BODY_BYTES) {
            return refuse(ctx, content, request, 413, "http_413", "Request body too large");
        }
        return ctx.getStopAction(content); // wait for more; Grizzly appends the next chunk to this one
    }

    private HttpContent timeoutAnswer(HttpRequestPacket request) {
        return answer(
                request,
                408,
                "request_timeout",
                "The request body did not arrive within " + timeout.toMillis() + " ms");
    }

    private NextAction refuse(
            FilterChainContext ctx,
            HttpContent content,
            HttpRequestPacket request,
            int status,
            String code,
            String message) {
        request.removeAttribute(DEADLINE);
        request.setContentBroken(true);
        ctx.write(answer(request, status, code, message));
        ctx.getConnection().closeSilently();
        return ctx.getStopAction();
    }

    private HttpContent answer(HttpRequestPacket request, int status, String code, String message) {
        long started = System.nanoTime();
        byte[] json = ErrorResponses.envelopeJson(code, message).getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        String id = RequestIds.newId();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader(RequestIds.HEADER, id);
        seen.answered(request, status, System.nanoTime() - started, id, message);
        response.setHeader("Connection", "close");
        response.setContentLength(json.length);
        return HttpContent.builder(response)
                .content(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, json))
                .last(true)
                .build();
    }
}
