package io.exprun.server.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The server's packages stand in the order a request meets them (http, api, auth, spec and error, domain, store,
 * work, ops, config; see README "Layout"): every import runs from one package to a lower one, never back up. A cycle
 * between two packages is the only way an import can run back up, so the rule is that the packages form no cycle.
 */
class PackageOrderTest {

    /**
     * The code generated from the spec ({@code generated}, under target/) is not one of the house's packages: its
     * query parameters carry {@code spec.OneOf} because the template override puts it there, by design, so its own
     * dependencies are left out; every hand-written package's dependency on it counts.
     */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..")
                .should()
                .beFreeOfCycles()
                .ignoreDependency(resideInAPackage(root + ".generated.."), alwaysTrue())
                .because("a package that imports one above it makes the layers meaningless");
    }

    @Test
    void no_package_of_the_server_imports_one_that_imports_it() {
        JavaClasses server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.exprun.server");
        noPackageCycles("io.exprun.server").check(server);
    }

    @Test
    void negative_control_two_packages_that_import_each_other_are_caught() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.exprun.server.architecture.badfixture.cycle");
        EvaluationResult result = noPackageCycles("io.exprun.server.architecture.badfixture.cycle")
                .evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails())).contains("Above", "Below");
    }
}
