package io.exprun.server.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages stand in one order, and every import runs down it, never up. From the top: the start-up
 * ({@code Main}, {@code ExprunServer}: they compose everything), the operator's commands, then the packages in the
 * order a request meets them (the front door, the resources, ops' request ids, access log and metrics around them,
 * the tenant's key, the error envelope, the spec), then what the answers rest on (the workers, the store's adapters,
 * the configuration) and, at the bottom, the domain. The store sits above the domain although a request reaches the
 * domain first: it implements the domain's ports, so it imports the domain and never the other way round
 * ({@link DomainIsolationTest}). The code generated from the spec ({@code generated}) is no layer: its own imports
 * are left out, every layer's use of it is allowed. docs/architecture.md lists the same order.
 */
class PackageOrderTest {

    /** From the top down; a package may import only those after it. */
    static final List<String> ORDER = List.of(
            "root", "admin", "http", "api", "ops", "auth", "error", "spec", "work", "store", "config", "domain");

    /**
     * The rule for the application under {@code root}; {@code optional}: a layer without classes passes (the
     * negative control's fixture has only a few).
     */
    static ArchRule layers(String root, boolean optional) {
        LayeredArchitecture rule =
                layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(optional);
        for (String layer : ORDER) {
            rule = rule.layer(layer).definedBy(layer.equals("root") ? root : root + "." + layer + "..");
        }
        for (int i = 0; i < ORDER.size(); i++) {
            String layer = ORDER.get(i);
            String[] above = ORDER.subList(0, i).toArray(String[]::new);
            rule = above.length == 0
                    ? rule.whereLayer(layer).mayNotBeAccessedByAnyLayer()
                    : rule.whereLayer(layer).mayOnlyBeAccessedByLayers(above);
        }
        return rule.because("a package that imports one above it makes the layers meaningless");
    }

    @Test
    void every_import_of_the_server_runs_down_the_order() {
        JavaClasses server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.exprun.server");
        assertThat(server.stream()
                        .map(c -> c.getPackageName().replaceFirst("^io\\.exprun\\.server\\.?", ""))
                        .map(p -> p.isEmpty() ? "root" : p.split("\\.")[0])
                        .filter(p -> !p.equals("generated"))
                        .distinct())
                .as("every package of the server has its place in the order")
                .containsExactlyInAnyOrderElementsOf(ORDER);
        layers("io.exprun.server", false).check(server);
    }

    /**
     * The same order over the source's import lines, which also see what the class files cannot: a compile-time
     * constant of another package is copied into the class that uses it, leaving no dependency behind.
     */
    static List<String> upwardImports(Path sources, String root) {
        Pattern importLine = Pattern.compile(
                "^import (?:static )?" + Pattern.quote(root) + "\\.(?:([a-z]+)\\.|[A-Z])", Pattern.MULTILINE);
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources.resolve(root.replace('.', '/')))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = sources.resolve(root.replace('.', '/')).relativize(file.getParent());
                String from = dir.toString().isEmpty() ? "root" : dir.getName(0).toString();
                Matcher m = importLine.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1) == null ? "root" : m.group(1);
                    if (ORDER.contains(from) && ORDER.contains(to) && ORDER.indexOf(to) < ORDER.indexOf(from)) {
                        upward.add(sources.relativize(file) + " imports " + to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return upward;
    }

    @Test
    void no_source_file_of_the_server_imports_a_package_above_its_own() {
        assertThat(upwardImports(Path.of("src/main/java"), "io.exprun.server")).isEmpty();
    }

    @Test
    void negative_control_an_upward_import_line_is_caught() {
        assertThat(upwardImports(Path.of("src/test/java"), "io.exprun.server.architecture.badfixture"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("LeakyPort.java imports store");
    }

    @Test
    void negative_control_an_upward_import_is_caught() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.exprun.server.architecture.badfixture");

        EvaluationResult result =
                layers("io.exprun.server.architecture.badfixture", true).evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("LeakyPort", "SomeAdapter")
                .doesNotContain("Above"); // the fixture's downward import passes
    }

    @Test
    void negative_control_a_cycle_is_an_upward_import_too() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.exprun.server.architecture.badfixture.cycle");
        String root = "io.exprun.server.architecture.badfixture.cycle";

        EvaluationResult result = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("up")
                .definedBy(root + ".up..")
                .layer("down")
                .definedBy(root + ".down..")
                .whereLayer("up")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("down")
                .mayOnlyBeAccessedByLayers("up")
                .evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(Arrays.toString(result.getFailureReport().getDetails().toArray()))
                .contains("Below", "Above");
    }
}
