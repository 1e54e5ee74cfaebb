package io.exprun.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.exprun.server.domain.Sha256;
import io.exprun.server.spec.JsonMapper;

/**
 * What tells a retry from another request under one Idempotency-Key: the body as the generated model holds it, written
 * as canonical JSON by the one ObjectMapper, hashed. Two bodies that differ only in spacing or field order agree.
 */
final class RequestFingerprint {

    private RequestFingerprint() {}

    static String of(Object body) {
        try {
            return Sha256.hex(JsonMapper.shared().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a request model that cannot be written as JSON", e);
        }
    }
}
