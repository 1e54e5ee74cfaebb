package io.exprun.server.error;

import io.exprun.server.generated.model.ErrorBody;
import io.exprun.server.generated.model.ErrorResponse;
import io.exprun.server.generated.model.HTTPValidationError;
import io.exprun.server.generated.model.ValidationError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** Builds every error answer in the contract's shapes: the {@code {detail:{code,message,details}}} envelope and 422. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response envelope(int status, String code, String message, Map<String, Object> details) {
        ErrorResponse body = new ErrorResponse().detail(new ErrorBody().code(code).message(message).details(details));
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /**
     * The envelope as JSON text, for answers written outside Jersey (Grizzly's codec and filter chain, the front
     * door), where no ObjectMapper runs. The message is made JSON-safe here.
     */
    public static String envelopeJson(String code, String message) {
        String safe = message == null || message.isBlank() ? "Request rejected"
                : message.replaceAll("[\"\\\\\\p{Cntrl}]", " ");
        return "{\"detail\":{\"code\":\"" + code + "\",\"message\":\"" + safe + "\",\"details\":{}}}";
    }

    public static Response unauthorized(String message, boolean invalidToken) {
        return Response.fromResponse(envelope(401, "unauthorized", message, Map.of()))
                .header(HttpHeaders.WWW_AUTHENTICATE, invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer")
                .build();
    }

    public static Response validation(List<ValidationError> errors) {
        return Response.status(422).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new HTTPValidationError().detail(errors)).build();
    }

    /** One FastAPI-style validation error: {@code loc} like ["query","limit"], {@code type} like "missing". */
    public static ValidationError error(List<Object> loc, String msg, String type, Object input) {
        return new ValidationError().loc(loc).msg(msg).type(type).input(input);
    }
}
