package io.exprun.server.error;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * What Grizzly answers by itself, before Jersey sees the request (an over-long request line or header, say), is
 * written in the error envelope rather than as Grizzly's HTML page, and never with a stack trace.
 */
public final class JsonErrorPages implements ErrorPageGenerator {

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        request.getResponse().setContentType("application/json");
        String reason = reasonPhrase == null ? "Request rejected" : reasonPhrase.replaceAll("[\"\\\\\\p{Cntrl}]", " ");
        return "{\"detail\":{\"code\":\"http_" + status + "\",\"message\":\"" + reason + "\",\"details\":{}}}";
    }
}
