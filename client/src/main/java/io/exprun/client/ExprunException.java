package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An exprun API call that failed. Subclasses say how: {@link ExprunUnauthorizedException} (401),
 * {@link ExprunNotFoundException} (404), {@link ExprunConflictException} (409), {@link ExprunValidationException}
 * (422), {@link ExprunRateLimitedException} (429), {@link ExprunServerException} (5xx),
 * {@link ExprunConnectionException} (no answer). Other statuses (403, …) are this class itself.
 */
public class ExprunException extends RuntimeException {

    private final int status;
    private final JsonNode body;
    private final String requestId;

    public ExprunException(String message, int status, JsonNode body, String requestId, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.body = body;
        this.requestId = requestId;
    }

    /** The HTTP status, or 0 when no answer was received. */
    public int status() {
        return status;
    }

    /** The parsed error body (null when there was none, or it was not JSON). */
    public JsonNode body() {
        return body;
    }

    /** The server's {@code X-Request-Id} for this answer, to quote when reporting a problem. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** {@code detail.code} of the error envelope ({@code run_not_found}, …), when the body has one. */
    public Optional<String> code() {
        if (body == null) {
            return Optional.empty();
        }
        JsonNode code = body.path("detail").path("code");
        return code.isTextual() ? Optional.of(code.asText()) : Optional.empty();
    }

    /** {@code detail.message}, or {@code detail} itself when it is plain text. */
    public Optional<String> detailMessage() {
        if (body == null) {
            return Optional.empty();
        }
        JsonNode detail = body.path("detail");
        if (detail.isTextual()) {
            return Optional.of(detail.asText());
        }
        JsonNode message = detail.path("message");
        return message.isTextual() ? Optional.of(message.asText()) : Optional.empty();
    }
}
