package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Maven version of every exprun artifact follows the contract's {@code info.version}, so a consumer reading
 * {@code io.exprun:exprun-client:0.1.0} knows which contract it speaks, and a released version means what was released
 * (RELEASING.md):
 * <ul>
 * <li>a release build's version IS {@code info.version};</li>
 * <li>between releases the build is a {@code X.Y.Z-SNAPSHOT} of a version after the latest release, and
 * {@code info.version} is either that X.Y.Z (the contract changed) or still the latest release (it did not);</li>
 * <li>a released contract version never changes: while {@code info.version} names a release, the spec is that
 * release's, byte for byte.</li>
 * </ul>
 * The build passes {@code ${project.version}} as {@code exprun.artifactVersion}; see the comment in the root pom.
 */
class ArtifactVersionTest {

    private static final String SNAPSHOT = "-SNAPSHOT";

    /** Why {@code artifactVersion} does not follow {@code specVersion} given the releases, or empty when it does. */
    static Optional<String> mismatch(String artifactVersion, String specVersion, List<String> released) {
        String latest = released.isEmpty() ? null : released.get(released.size() - 1);
        if (!artifactVersion.endsWith(SNAPSHOT)) {
            return artifactVersion.equals(specVersion)
                    ? Optional.empty()
                    : Optional.of("the release version "
                            + artifactVersion + " is not the spec's info.version " + specVersion
                            + ": set info.version, then <version> in every pom.xml (RELEASING.md)");
        }
        String next = artifactVersion.substring(0, artifactVersion.length() - SNAPSHOT.length());
        if (latest != null && Releases.SemVer.parse(next).compareTo(Releases.SemVer.parse(latest)) <= 0) {
            return Optional.of("the build " + artifactVersion + " is a snapshot of a version already released ("
                    + latest + " is the latest): set <version> in every pom.xml to the next version's -SNAPSHOT");
        }
        if (specVersion.equals(next) || specVersion.equals(latest)) {
            return Optional.empty();
        }
        return Optional.of("the spec's info.version " + specVersion + " is neither the version this build makes ("
                + next + ") nor the latest release (" + latest + ")");
    }

    @Test
    void the_artifact_version_follows_the_specs_info_version() throws Exception {
        String artifactVersion = System.getProperty("exprun.artifactVersion");
        assertThat(artifactVersion)
                .as("exprun.artifactVersion, set by the build")
                .isNotBlank();

        assertThat(mismatch(
                        artifactVersion,
                        Releases.infoVersion(spec()),
                        Releases.fromBuild().versions()))
                .isEmpty();
    }

    @Test
    void a_released_contract_version_is_never_changed() throws Exception {
        Releases releases = Releases.fromBuild();
        String spec = spec();
        String version = Releases.infoVersion(spec);
        assertThat(releases.versions())
                .as("releases under %s", releases.repository())
                .isNotEmpty();
        if (releases.versions().contains(version)) {
            assertThat(spec)
                    .as(
                            "openapi/experiment-runs.yaml says info.version %s, a released version, but differs "
                                    + "from what %s released: a changed contract needs the next info.version",
                            version, version)
                    .isEqualTo(releases.release(version).spec());
        }
    }

    @Test
    void the_build_compares_with_the_newest_release_kept() {
        List<String> versions = Releases.fromBuild().versions();
        assertThat(System.getProperty("exprun.latest.release"))
                .as("<exprun.latest.release> in the root pom (japicmp's baseline) names the newest release under "
                        + "released/maven")
                .isEqualTo(versions.get(versions.size() - 1));
    }

    @Test
    void a_release_build_is_the_specs_version() {
        assertThat(mismatch("0.2.0", "0.2.0", List.of("0.1.0"))).isEmpty();
        assertThat(mismatch("0.1.0", "0.1.0", List.of("0.1.0")))
                .as("rebuilding the release")
                .isEmpty();
        assertThat(mismatch("0.2.0", "0.1.0", List.of("0.1.0")))
                .hasValueSatisfying(m -> assertThat(m).contains("0.2.0", "0.1.0"));
        assertThat(mismatch("0.1.0-rc1", "0.1.0", List.of())).isPresent();
    }

    @Test
    void between_releases_the_build_is_a_snapshot_of_the_next_version() {
        assertThat(mismatch("0.2.0-SNAPSHOT", "0.1.0", List.of("0.1.0")))
                .as("contract unchanged")
                .isEmpty();
        assertThat(mismatch("0.2.0-SNAPSHOT", "0.2.0", List.of("0.1.0")))
                .as("contract changed")
                .isEmpty();
        assertThat(mismatch("0.1.0-SNAPSHOT", "0.1.0", List.of()))
                .as("before the first release")
                .isEmpty();
        assertThat(mismatch("0.1.0-SNAPSHOT", "0.1.0", List.of("0.1.0")))
                .hasValueSatisfying(m -> assertThat(m).contains("already released"));
        assertThat(mismatch("0.2.0-SNAPSHOT", "0.1.1", List.of("0.1.0"))).isPresent();
    }

    private static String spec() throws Exception {
        return Files.readString(Path.of(System.getProperty("exprun.spec", "experiment-runs.yaml")));
    }
}
