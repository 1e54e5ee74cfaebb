package io.exprun.server.http;

import io.exprun.server.error.ErrorResponses;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * What Grizzly answers by itself after a request was parsed but before Jersey sees it is written in the error
 * envelope rather than as Grizzly's HTML page, and never with a stack trace. (Requests its codec cannot even parse
 * are answered by {@link FrontDoorCodec}, with the same {@link #envelope}.)
 */
public final class JsonErrorPages implements ErrorPageGenerator {

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        request.getResponse().setContentType("application/json");
        return envelope(status, reasonPhrase);
    }

    /** {@code {"detail":{"code":"http_<status>","message":<reason>,"details":{}}}}, the reason made JSON-safe. */
    static String envelope(int status, String reasonPhrase) {
        return ErrorResponses.envelopeJson("http_" + status, reasonPhrase);
    }
}
