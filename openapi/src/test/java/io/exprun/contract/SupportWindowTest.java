package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The support window (RELEASING.md): a build of X.Y supports the releases of minor versions X.(Y-2) to X.Y, the newest
 * release of each, as Kubernetes states its version skew. Their clients, pacts, kits and stubs are run against this
 * build in {@code verify} (compatibility/release-V, contract-tests); {@code <exprun.supported.releases>} in the root pom
 * names them, and must name exactly those the rule gives, each with its compatibility module.
 */
class SupportWindowTest {

    /** The releases a build of {@code building} supports, of those {@code released} (ascending). */
    static List<String> supported(String building, List<String> released) {
        Releases.SemVer current = Releases.SemVer.parse(building.replace("-SNAPSHOT", ""));
        Map<Integer, String> newestOfMinor = new LinkedHashMap<>();
        for (String v : released) {
            Releases.SemVer r = Releases.SemVer.parse(v);
            if (r.major() == current.major() && r.minor() <= current.minor() && r.minor() >= current.minor() - 2) {
                newestOfMinor.put(r.minor(), v);
            }
        }
        return List.copyOf(newestOfMinor.values());
    }

    private static List<String> named() {
        return Arrays.stream(System.getProperty("exprun.supported.releases").split(","))
                .map(String::trim)
                .toList();
    }

    @Test
    void the_supported_releases_are_the_windows() {
        assertThat(named())
                .as(
                        "<exprun.supported.releases> in the root pom, for a build of %s",
                        System.getProperty("exprun.artifactVersion"))
                .isEqualTo(supported(
                        System.getProperty("exprun.artifactVersion"),
                        Releases.fromBuild().versions()));
    }

    @Test
    void each_supported_release_has_its_compatibility_module_and_no_other_release_has_one() throws IOException {
        List<String> modules = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("exprun.root"), "compatibility"))) {
            dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("release-"))
                    .map(n -> n.substring("release-".length()))
                    .sorted()
                    .forEach(modules::add);
        }
        assertThat(modules).as("compatibility/release-* modules").isEqualTo(named());
    }

    @Test
    void the_window_is_two_minor_versions_back_the_newest_of_each() {
        List<String> released = List.of("0.1.0", "0.1.1", "0.2.0", "0.3.0", "0.3.1", "1.0.0");

        assertThat(supported("0.3.0-SNAPSHOT", List.of("0.1.0", "0.2.0"))).containsExactly("0.1.0", "0.2.0");
        assertThat(supported("0.3.1-SNAPSHOT", released)).containsExactly("0.1.1", "0.2.0", "0.3.1");
        assertThat(supported("0.4.0-SNAPSHOT", released)).containsExactly("0.2.0", "0.3.1");
        assertThat(supported("0.5.0", released)).containsExactly("0.3.1");
        assertThat(supported("1.0.1-SNAPSHOT", released))
                .as("another major: its own")
                .containsExactly("1.0.0");
    }
}
