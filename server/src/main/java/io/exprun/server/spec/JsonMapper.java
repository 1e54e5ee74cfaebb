package io.exprun.server.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.exprun.server.generated.model.ExperimentRun;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * The one ObjectMapper of exprun, configured once and shared by the HTTP layer, the store and the tests.
 */
@Provider
public final class JsonMapper implements ContextResolver<ObjectMapper> {

    /**
     * The body limit, stated once: the largest JSON document (and string in it) exprun reads. No request body of exprun
     * is anywhere near it. A longer JSON body is answered 422 {@code too_long} at {@code ["body"]} by the parser; the
     * edge ({@code http/EdgeHandler}) stops reading at {@link #MAX_BUFFERED_BODY_BYTES} and answers 413
     * without reading the rest, so a client sending far more cannot make the server hold it.
     */
    public static final int MAX_BODY_BYTES = 1_000_000;
    /** Room for a body just over the limit to reach the parser (and its 422) rather than being cut off at the door. */
    public static final int MAX_BUFFERED_BODY_BYTES = 2 * MAX_BODY_BYTES;

    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = create();

    public static ObjectMapper shared() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        // bounded input: see MAX_BODY_BYTES
        ObjectMapper m = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_BODY_BYTES)
                        .maxStringLength(MAX_BODY_BYTES)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                .build());
        m.registerModule(new JavaTimeModule());
        // RFC 3339 timestamps with an offset ("2026-05-18T10:00:00Z"), never epoch numbers
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        m.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        // clients may send fields this version does not know (FastAPI ignores extras too)
        m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // but a number or boolean where the contract says string is a validation error, as in FastAPI
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // free-form values (a document's provenance, a handle's data) are kept as given: a number read as a double
        // would come back rounded (0.1000000000000000055511151231257827 as 0.1) or as "Infinity" (1e400)
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // jaxrs-spec 7.25.0 puts @JsonValue on toString() of integer enums, which writes n_consensus as "3";
        // the contract says integer. This mixin moves @JsonValue to the enum's Integer value().
        m.addMixIn(ExperimentRun.NConsensusEnum.class, IntegerEnumValue.class);
        return m;
    }

    /** Mixin: serialize an integer enum through its {@code Integer value()} rather than its toString(). */
    private abstract static class IntegerEnumValue {
        @JsonValue
        abstract Integer value();

        @Override
        @JsonValue(false)
        public abstract String toString();
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return MAPPER;
    }
}
