package io.exprun.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** What the build generated into the stub's jar (GenerateStubMappings): scenario mappings, the spec for validation. */
final class StubResources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StubResources() {}

    static JsonNode read(String resource) {
        try (InputStream in = StubResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource + " is missing from the exprun-stub jar (built by GenerateStubMappings)");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
