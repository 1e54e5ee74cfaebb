package io.exprun.server.domain;

/** An Idempotency-Key already used for a request with another body: a caller's mistake, answered 422. */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException() {
        super(
                "This Idempotency-Key was already used with a different request body; send a new key for a new run",
                null,
                false,
                false);
    }
}
