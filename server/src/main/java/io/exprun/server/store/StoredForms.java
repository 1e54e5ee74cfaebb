package io.exprun.server.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON exprun keeps in the database (an experiment's documents as they were given, its documents, a run's error
 * details), written and read by this one codec, so that whatever was stored can be read back.
 *
 * <p>The rule, stated once: a stored form is the re-serialisation of values from a body the server accepted, so its
 * limit derives from the body limit: {@link #maxChars()} is twice it. Jackson writes strings with the fewest escapes
 * (never longer than they were sent) and leaves nulls out here; only a number written in short exponent form grows
 * ({@code 1e-7} becomes {@code 1.0E-7}), by less than half. {@link #write} still checks each form against the limit
 * by reading it back with the very reader {@link #read} uses, before anything is stored: a form that could not be read
 * is refused then ({@link TooLarge}), never found unreadable after its commit.
 */
public final class StoredForms {

    /** A form over the stored-form limit: the request that brought it is refused and nothing is stored. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final ObjectMapper writer;
    private final ObjectMapper reader;
    private final int maxChars;

    /** @param wire the mapper of the wire, whose settings (types, dates, enums) the stored forms share */
    public static StoredForms forBodiesUpTo(ObjectMapper wire, int maxBodyBytes) {
        return new StoredForms(wire, 2 * maxBodyBytes);
    }

    /** @param maxChars the longest form stored and read; {@link #forBodiesUpTo} derives it from the body limit */
    public StoredForms(ObjectMapper wire, int maxChars) {
        this.maxChars = maxChars;
        this.writer = wire.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        this.reader = wire.copy();
        StreamReadConstraints wireLimits = wire.getFactory().streamReadConstraints();
        this.reader
                .getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxChars)
                        .maxStringLength(Math.max(maxChars, wireLimits.getMaxStringLength()))
                        .maxNestingDepth(wireLimits.getMaxNestingDepth())
                        .build());
    }

    public int maxChars() {
        return maxChars;
    }

    /** The stored form of {@code value}, proven readable by {@link #read}. */
    public String write(Object value) {
        String text;
        try {
            text = writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a value exprun stores cannot be written as JSON", e);
        }
        try {
            reader.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TooLarge("its stored form would be " + text.length() + " characters, over " + maxChars, e);
        }
        return text;
    }

    public <T> T read(String text, Class<T> type) {
        try {
            return reader.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored form is not readable: " + e.getOriginalMessage(), e);
        }
    }

    public <T> T read(String text, TypeReference<T> type) {
        try {
            return reader.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored form is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
