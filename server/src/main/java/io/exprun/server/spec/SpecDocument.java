package io.exprun.server.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The contract as this server carries it, read once at start: the YAML's bytes exactly as published in the
 * exprun-openapi artifact (the file the code was generated from), and its tree for whoever needs to read it
 * ({@link SpecOperations}, the served {@code /openapi.json}).
 */
public record SpecDocument(byte[] yaml, JsonNode tree) {

    public static final String RESOURCE = "/io/exprun/openapi/experiment-runs.yaml";

    public static SpecDocument load() {
        try (InputStream in = SpecDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the spec " + RESOURCE + " is not on the classpath (exprun-openapi jar)");
            }
            byte[] yaml = in.readAllBytes();
            return new SpecDocument(yaml, new ObjectMapper(new YAMLFactory()).readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the tree, for a reader that changes it. */
    public JsonNode treeCopy() {
        return tree.deepCopy();
    }
}
