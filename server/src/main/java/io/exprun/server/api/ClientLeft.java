package io.exprun.server.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that leaves before its answer is written is not the server's error. Jersey logs the write that fails then
 * at ERROR with a stack trace of some 56 frames (40 abandoned lists made 3,870 log lines); here it is one DEBUG line,
 * and the answer is dropped, since no one is left to read it. Any other failure of a write goes on as before.
 * Outermost of the writer interceptors, so it sees the failure however Jersey's own interceptors wrapped it.
 */
@Priority(1)
public final class ClientLeft implements WriterInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ClientLeft.class);

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        try {
            context.proceed();
        } catch (IOException | RuntimeException e) {
            IOException closed = closedConnection(e);
            if (closed == null) {
                throw e;
            }
            log.debug("the client left before its answer was written ({})", closed.getMessage());
        }
    }

    /** The I/O failure in {@code e}'s causes that says the connection is gone, or null. */
    private static IOException closedConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return (IOException) t; // Jetty's EofException: the connection was closed under the answer
            }
            if (t instanceof IOException io
                    && io.getMessage() != null
                    && (io.getMessage().contains("Broken pipe")
                            || io.getMessage().contains("Connection reset"))) {
                return io;
            }
        }
        return null;
    }
}
