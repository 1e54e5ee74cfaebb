package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/** 429, after the client's retries were used up. */
public class ExprunRateLimitedException extends ExprunException {
    private final Duration retryAfter;

    public ExprunRateLimitedException(String message, JsonNode body, String requestId, Duration retryAfter) {
        super(message, 429, body, requestId, null);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
