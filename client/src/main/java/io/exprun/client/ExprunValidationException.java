package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** 422: the request broke the contract's rules; {@link #errors()} lists each one (FastAPI's HTTPValidationError). */
public class ExprunValidationException extends ExprunException {

    /** One problem: where ({@code ["body","experiment_id"]}), what, and its machine-readable type. */
    public record FieldError(List<Object> loc, String msg, String type) {}

    public ExprunValidationException(String message, JsonNode body, String requestId) {
        super(message, 422, body, requestId, null);
    }

    public List<FieldError> errors() {
        List<FieldError> errors = new ArrayList<>();
        if (body() != null && body().path("detail").isArray()) {
            for (JsonNode e : body().path("detail")) {
                List<Object> loc = new ArrayList<>();
                e.path("loc").forEach(l -> loc.add(l.isInt() ? (Object) l.asInt() : l.asText()));
                errors.add(new FieldError(
                        loc, e.path("msg").asText(null), e.path("type").asText(null)));
            }
        }
        return errors;
    }
}
