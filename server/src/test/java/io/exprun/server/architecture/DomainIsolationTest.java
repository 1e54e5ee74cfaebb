package io.exprun.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * Ports and adapters, enforced: the domain (services, rules and the ports it needs, {@code domain.port}) depends on
 * nothing outside itself but the JDK's language, collections, time and digest classes. An allow-list, so a new
 * dependency of any kind (an adapter, JDBC, JAX-RS, a generated model, a library) fails until it is chosen here.
 */
class DomainIsolationTest {

    /** The rule, for the application under {@code root} (a parameter so the negative control can use it too). */
    static ArchRule domainIsolated(String root) {
        return classes()
                .that()
                .resideInAPackage(root + ".domain..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        root + ".domain..",
                        "java.lang..",
                        "java.util..",
                        "java.time..",
                        "java.security..",
                        "java.nio.charset..")
                .because("the domain owns its ports; adapters depend on it, never the other way round");
    }

    @Test
    void the_domain_imports_nothing_from_adapters_or_jdbc() {
        JavaClasses server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.exprun.server");
        assertThat(server.stream().anyMatch(c -> c.getPackageName().equals("io.exprun.server.domain.port")))
                .as("the ports were imported")
                .isTrue();
        domainIsolated("io.exprun.server").check(server);
    }

    @Test
    void negative_control_a_domain_class_using_jdbc_and_an_adapter_is_caught() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.exprun.server.architecture.badfixture");
        EvaluationResult result =
                domainIsolated("io.exprun.server.architecture.badfixture").evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("java.sql.Connection"))
                .anyMatch(d -> d.contains("SomeAdapter"));
    }
}
