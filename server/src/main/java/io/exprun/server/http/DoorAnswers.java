package io.exprun.server.http;

import io.exprun.server.domain.ErrorCode;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.Metrics;
import io.exprun.server.ops.RequestIds;
import java.net.URISyntaxException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every answer given in front of Jersey, the edge's and Jetty's own (what its parser refuses, a failed request: its
 * error pages), carries an {@code X-Request-Id} and is seen as Jersey's are, in the access log and the metrics. Jetty's
 * are the contract's envelope with Jetty's message for a client's mistake, never its HTML page or a stack trace.
 */
final class DoorAnswers extends ErrorHandler {

    static final String JSON = "application/json";
    private final Metrics metrics;

    DoorAnswers(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String message = request.getAttribute(ERROR_MESSAGE) instanceof String m && status < 500 ? m : null;
        if (request.getAttribute(ERROR_EXCEPTION) instanceof URISyntaxException) { // Jetty took it, Jersey cannot
            message = "The request target is not a valid URI (RFC 3986)";
        }
        String code = status == 400 ? ErrorCode.BAD_REQUEST.wire() : ErrorResponses.httpStatusCode(status);
        refuse(request, response, callback, status, code, message == null ? HttpStatus.getMessage(status) : message);
        return true;
    }

    /** An error in the envelope, after which the connection closes: where the next message starts is not known. */
    void refuse(Request request, Response response, Callback callback, int status, String code, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        answer(request, response, callback, status, JSON, ErrorResponses.envelopeJson(code, message), message);
    }

    /** Answers {@code status} with {@code text}; the access log says it was given here, and {@code why} if refused. */
    void answer(
            Request request, Response response, Callback callback, int status, String type, String text, String why) {
        String id = RequestIds.idFor(request.getHeaders().get(RequestIds.HEADER));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(RequestIds.HEADER, id);
        long nanos = System.nanoTime() - request.getBeginNanoTime();
        metrics.answeredAtTheDoor(request.getMethod(), status, nanos);
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        RequestIds.logAnswer(request.getMethod(), path, status, nanos, id, why == null ? "at the door" : why);
        Content.Sink.write(response, true, text, callback); // seen before the client can read it
    }
}
