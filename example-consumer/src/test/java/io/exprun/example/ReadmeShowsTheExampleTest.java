package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client example the docs show (docs/consuming.md, "Using the Java client"; the README links there) is this module's
 * {@code ReadmeExample.java}, character for character, so what the docs show compiles (imports and declared variables
 * included) and runs (PublishedArtifactsIT runs it).
 */
class ReadmeShowsTheExampleTest {

    private static final String OPENING = "```java\npackage io.exprun.example;\n";

    /** The page's java block that starts with the example's package line, or empty. */
    static Optional<String> exampleIn(String readme) {
        int start = readme.indexOf(OPENING);
        if (start < 0) {
            return Optional.empty();
        }
        int from = start + "```java\n".length();
        int end = readme.indexOf("```", from);
        return end < 0 ? Optional.empty() : Optional.of(readme.substring(from, end));
    }

    @Test
    void the_docs_show_exactly_the_example_that_compiles() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "consuming.md"));
        String example = Files.readString(Path.of("src/main/java/io/exprun/example/ReadmeExample.java"));

        assertThat(exampleIn(readme)).hasValue(example);
    }

    @Test
    void negative_control_a_readme_whose_example_drifted_is_caught() throws IOException {
        String example = Files.readString(Path.of("src/main/java/io/exprun/example/ReadmeExample.java"));
        String drifted = "intro\n```java\n" + example.replace("waitFor(run.getId()", "waitFor(id") + "```\n";

        assertThat(exampleIn(drifted)).isPresent().get().isNotEqualTo(example);
        assertThat(exampleIn("no example here")).isEmpty();
    }
}
