package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * 412 {@code precondition_failed}: the experiment changed since the ETag given in {@code If-Match}, and nothing was
 * done. Read it again ({@link #currentEtag()} is its ETag now), then decide.
 */
public class ExprunPreconditionFailedException extends ExprunException {

    public ExprunPreconditionFailedException(String message, JsonNode body, String requestId) {
        super(message, 412, body, requestId, null);
    }

    /** The experiment's ETag now ({@code detail.details.etag}). */
    public Optional<String> currentEtag() {
        JsonNode etag =
                body() == null ? null : body().path("detail").path("details").path("etag");
        return etag != null && etag.isTextual() ? Optional.of(etag.asText()) : Optional.empty();
    }
}
