package io.exprun.server.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An HTTP/1.0 client cannot read chunks (RFC 9112 §6.1), so its answer is written whole first and sent with a
 * {@code Content-Length}, whatever its size, instead of as Jersey would: chunked once the entity outgrows Jersey's
 * buffer. HTTP/1.1 answers pass untouched. (Should an answer reach the codec chunked all the same, the codec sends it
 * delimited by closing the connection: see {@code http/FrontDoorCodec}.)
 */
public final class WholeBodiesForHttp10 implements WriterInterceptor {

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (context.getProperty(EdgeHandler.HTTP_1_0) == null) {
            context.proceed();
            return;
        }
        OutputStream wire = context.getOutputStream();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        context.setOutputStream(whole);
        context.proceed();
        context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, whole.size());
        whole.writeTo(wire);
    }
}
