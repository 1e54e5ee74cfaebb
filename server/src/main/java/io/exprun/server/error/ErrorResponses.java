package io.exprun.server.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.exprun.server.domain.ErrorCode;
import io.exprun.server.generated.model.ErrorBody;
import io.exprun.server.generated.model.ErrorResponse;
import io.exprun.server.generated.model.HTTPValidationError;
import io.exprun.server.generated.model.ValidationError;
import io.exprun.server.spec.JsonMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Builds every error answer in the contract's shapes: the {@code {detail:{code,message,details}}} envelope and 422. */
public final class ErrorResponses {

    private ErrorResponses() {}

    public static Response envelope(int status, String code, String message, Map<String, Object> details) {
        ErrorResponse body = new ErrorResponse()
                .detail(new ErrorBody().code(code).message(message).details(details));
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body)
                .build();
    }

    /**
     * The envelope as JSON text, for answers written outside Jersey (Jetty's own, the edge's): the same model written
     * by the same ObjectMapper as Jersey's answers.
     */
    public static String envelopeJson(String code, String message) {
        String text = message == null || message.isBlank() ? "Request rejected" : message;
        return json(new ErrorResponse()
                .detail(new ErrorBody().code(code).message(text).details(Map.of())));
    }

    /** A 422's body as JSON text, for answers written outside Jersey (see {@link #envelopeJson}). */
    public static String validationJson(List<ValidationError> errors) {
        return json(new HTTPValidationError().detail(errors));
    }

    private static String json(Object body) {
        try {
            return JsonMapper.shared().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error model that cannot be written as JSON", e);
        }
    }

    public static Response unauthorized(String message, boolean invalidToken) {
        return Response.fromResponse(envelope(401, ErrorCode.UNAUTHORIZED.wire(), message, Map.of()))
                .header(HttpHeaders.WWW_AUTHENTICATE, invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer")
                .build();
    }

    /**
     * The code of a refusal the HTTP layer makes with no case of its own: {@code http_} and the status (the spec's
     * ErrorCode).
     */
    public static String httpStatusCode(int status) {
        return "http_" + status;
    }

    public static Response validation(List<ValidationError> errors) {
        return Response.status(422)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new HTTPValidationError().detail(errors))
                .build();
    }

    /** One FastAPI-style validation error: {@code loc} like ["query","limit"], {@code type} like "missing". */
    public static ValidationError error(List<Object> loc, String msg, String type, Object input) {
        return new ValidationError().loc(loc).msg(msg).type(type).input(input);
    }
}
