package io.exprun.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An answer with what a conditional request needs beside its body: the status (200, or 304 when the {@code
 * If-None-Match} given still matched, without a body), the {@code ETag} to send back in {@code If-None-Match} or
 * {@code If-Match} next time, and the server's request id.
 *
 * @param value empty on a 304: what the caller already has is still current
 */
public record ExprunResponse<T>(int status, Optional<T> value, Optional<String> etag, Optional<String> requestId) {

    static <T> ExprunResponse<T> of(int status, T value, Map<String, List<String>> headers) {
        return new ExprunResponse<>(
                status,
                Optional.ofNullable(value),
                Transport.header(headers, "ETag"),
                Transport.header(headers, "X-Request-Id"));
    }

    /** The validator given in {@code If-None-Match} still matched: nothing changed since, and no body came. */
    public boolean notModified() {
        return status == 304;
    }
}
