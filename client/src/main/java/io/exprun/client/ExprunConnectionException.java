package io.exprun.client;

/** No answer: connection refused or reset, or the request timed out. */
public class ExprunConnectionException extends ExprunException {
    public ExprunConnectionException(String message, Throwable cause) {
        super(message, 0, null, null, cause);
    }

    /** True when the request timed out (it may have reached the server). */
    public boolean isTimeout() {
        return getCause() instanceof java.net.http.HttpTimeoutException;
    }
}
