package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;

/** 5xx: the server failed (after the client's retries, for retryable calls). */
public class ExprunServerException extends ExprunException {
    public ExprunServerException(String message, int status, JsonNode body, String requestId) {
        super(message, status, body, requestId, null);
    }
}
