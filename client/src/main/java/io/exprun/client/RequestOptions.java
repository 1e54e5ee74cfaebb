package io.exprun.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one call, beside its arguments; immutable, every one optional:
 * {@code RequestOptions.none().ifMatch(etag).timeout(Duration.ofSeconds(10))}.
 *
 * @param idempotencyKey the {@code Idempotency-Key} of a create (the client sends a fresh UUID without one): the same
 *                       key with the same request gives the same run or experiment for 24 hours
 * @param timeout        the longest the call may take, its retries included (else the client's deadline)
 * @param ifMatch        {@code If-Match} of an experiment's update or delete: refused with
 *                       {@link ExprunPreconditionFailedException} (412) when it changed since that ETag
 * @param ifNoneMatch    {@code If-None-Match} of a read: answered {@link ExprunResponse#notModified()} (304) while the
 *                       ETag still matches
 */
public record RequestOptions(String idempotencyKey, Duration timeout, String ifMatch, String ifNoneMatch) {

    private static final RequestOptions NONE = new RequestOptions(null, null, null, null);

    public RequestOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static RequestOptions none() {
        return NONE;
    }

    public RequestOptions idempotencyKey(String v) {
        return new RequestOptions(Objects.requireNonNull(v, "idempotencyKey"), timeout, ifMatch, ifNoneMatch);
    }

    public RequestOptions timeout(Duration v) {
        return new RequestOptions(idempotencyKey, Objects.requireNonNull(v, "timeout"), ifMatch, ifNoneMatch);
    }

    public RequestOptions ifMatch(String etag) {
        return new RequestOptions(idempotencyKey, timeout, Objects.requireNonNull(etag, "ifMatch"), ifNoneMatch);
    }

    public RequestOptions ifNoneMatch(String etag) {
        return new RequestOptions(idempotencyKey, timeout, ifMatch, Objects.requireNonNull(etag, "ifNoneMatch"));
    }
}
