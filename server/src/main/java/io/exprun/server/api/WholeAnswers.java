package io.exprun.server.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An answer's entity is written whole first, up to {@link #BOUND} bytes, and sent with a {@code Content-Length}: in one
 * write, not as chunks (which an HTTP/1.0 client cannot read: it gets the answer delimited by the connection's end).
 * Jersey does this itself on containers that buffer; its container for Jetty leaves it to the application. A larger
 * entity is streamed once it outgrows the bound. Inside {@link ClientLeft}, which sees a write that fails.
 */
@Priority(2)
public final class WholeAnswers implements WriterInterceptor {

    static final int BOUND = 1 << 20;

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        OutputStream wire = context.getOutputStream();
        Held held = new Held(wire);
        context.setOutputStream(held);
        context.proceed();
        context.setOutputStream(wire); // Jersey flushes and closes what the interceptors leave it: the wire
        if (held.whole != null) {
            context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, held.whole.size());
            held.whole.writeTo(wire);
        }
    }

    /** Holds what is written until it outgrows the bound, then passes it and the rest on. */
    private static final class Held extends FilterOutputStream {
        private ByteArrayOutputStream whole = new ByteArrayOutputStream();

        Held(OutputStream wire) {
            super(wire);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (whole != null && whole.size() + length > BOUND) {
                whole.writeTo(out);
                whole = null;
            }
            (whole != null ? whole : out).write(bytes, offset, length);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            if (whole == null) {
                out.flush(); // what is held is not flushed: it goes out whole
            }
        }
    }
}
