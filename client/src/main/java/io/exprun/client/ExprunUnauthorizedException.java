package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;

/** 401: the API key is missing or not valid. */
public class ExprunUnauthorizedException extends ExprunException {
    public ExprunUnauthorizedException(String message, JsonNode body, String requestId) {
        super(message, 401, body, requestId, null);
    }
}
