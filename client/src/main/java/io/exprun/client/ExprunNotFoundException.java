package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.client.generated.rules.ErrorCode;
import java.util.Optional;

/**
 * 404: what was named does not exist for this API key, or, for cancel, the run is no longer cancellable
 * ({@link #isNotCancellable()}, with its {@link #currentStatus()}).
 */
public class ExprunNotFoundException extends ExprunException {
    public ExprunNotFoundException(String message, JsonNode body, String requestId) {
        super(message, 404, body, requestId, null);
    }

    public boolean isNotCancellable() {
        return code().filter(ErrorCode.RUN_NOT_CANCELLABLE.wire()::equals).isPresent();
    }

    /** For {@code run_not_cancellable}: the run's status at the time ({@code completed}, {@code cancelled}, …). */
    public Optional<String> currentStatus() {
        JsonNode status =
                body() == null ? null : body().path("detail").path("details").path("status");
        return status != null && status.isTextual() ? Optional.of(status.asText()) : Optional.empty();
    }
}
