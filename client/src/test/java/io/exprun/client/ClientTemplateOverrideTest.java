package io.exprun.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The client is generated with one template override (openapi/templates/java-native/api.mustache, a copy of the
 * generator's with one block added). A copy goes stale when the generator moves on: the override names the generator
 * version it was taken from, and that must be the build's, so that upgrading the generator means re-taking the copy.
 */
class ClientTemplateOverrideTest {

    @Test
    void the_api_template_override_was_taken_from_the_generator_the_build_uses() throws IOException {
        String template =
                Files.readString(Path.of(System.getProperty("exprun.templates"), "java-native", "api.mustache"));
        String version = System.getProperty("openapi-generator.version");

        assertThat(version).isNotBlank();
        assertThat(template)
                .as("the override's header names the generator version it is a copy of")
                .contains("(OpenAPI Generator " + version + ")");
        assertThat(template).contains("{{! exprun: begin }}").contains("{{! exprun: end }}");
    }
}
