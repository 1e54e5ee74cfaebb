package io.exprun.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Maven version of every exprun artifact is the contract's {@code info.version} (optionally as its
 * {@code -SNAPSHOT}), so a consumer reading {@code io.exprun:exprun-client:0.1.0} knows which contract it speaks.
 * The build passes {@code ${project.version}} as {@code exprun.artifactVersion}; see the comment in the root pom.
 */
class ArtifactVersionTest {

    /** Why {@code artifactVersion} does not follow {@code specVersion}, or empty when it does. */
    static Optional<String> mismatch(String artifactVersion, String specVersion) {
        String base = artifactVersion.endsWith("-SNAPSHOT")
                ? artifactVersion.substring(0, artifactVersion.length() - "-SNAPSHOT".length()) : artifactVersion;
        if (base.equals(specVersion)) {
            return Optional.empty();
        }
        return Optional.of("the artifact version " + artifactVersion + " does not follow the spec's info.version "
                + specVersion + ": set <version>" + specVersion + "</version> in every pom.xml (root and modules)");
    }

    @Test
    void the_artifact_version_is_the_specs_info_version() throws Exception {
        String artifactVersion = System.getProperty("exprun.artifactVersion");
        assertThat(artifactVersion).as("exprun.artifactVersion, set by the build").isNotBlank();
        String specVersion = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of(System.getProperty("exprun.spec", "experiment-runs.yaml")).toFile())
                .path("info").path("version").asText();

        assertThat(mismatch(artifactVersion, specVersion)).isEmpty();
    }

    @Test
    void a_version_that_differs_from_the_spec_is_reported() {
        assertThat(mismatch("0.2.0", "0.1.0")).hasValueSatisfying(m -> assertThat(m).contains("0.2.0", "0.1.0"));
        assertThat(mismatch("0.1.0-rc1", "0.1.0")).isPresent();
        assertThat(mismatch("0.1.0-SNAPSHOT", "0.1.1")).isPresent();
    }

    @Test
    void the_release_and_the_snapshot_of_the_spec_version_both_follow_it() {
        assertThat(mismatch("0.1.0", "0.1.0")).isEmpty();
        assertThat(mismatch("0.1.0-SNAPSHOT", "0.1.0")).isEmpty();
    }
}
