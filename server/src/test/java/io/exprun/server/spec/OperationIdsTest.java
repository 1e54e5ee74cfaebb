package io.exprun.server.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.exprun.server.api.ExperimentResultsResource;
import io.exprun.server.api.ExperimentRunsResource;
import io.exprun.server.api.ExperimentsResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which spec operation a resource method serves comes from the {@link OperationId} the generator puts on the
 * generated interfaces' methods: every spec operation is on exactly one method, and every method the resources serve
 * is found under its operation.
 */
class OperationIdsTest {

    private static final SpecOperations SPEC = SpecOperations.of(SpecDocument.load());

    @Test
    void every_generated_method_names_its_operation_and_every_operation_is_generated_once() {
        List<String> ids = new ArrayList<>();
        for (JavaClass api : new ClassFileImporter().importPackages("io.exprun.server.generated.api")) {
            for (Method m : api.reflect().getDeclaredMethods()) {
                OperationId id = m.getAnnotation(OperationId.class);
                assertThat(id)
                        .as("%s.%s carries its operationId", api.getSimpleName(), m.getName())
                        .isNotNull();
                ids.add(id.value());
            }
        }

        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(ids)).isEqualTo(SPEC.ids());
    }

    @Test
    void every_method_a_resource_serves_is_found_under_its_operation() {
        List<String> served = new ArrayList<>();
        for (Class<?> resource :
                List.of(ExperimentRunsResource.class, ExperimentResultsResource.class, ExperimentsResource.class)) {
            Arrays.stream(resource.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                    .forEach(m -> served.add(SPEC.servedBy(m)
                            .map(SpecOperations.Operation::id)
                            .orElseThrow(() -> new AssertionError(m + " serves no operation"))));
        }

        assertThat(new TreeSet<>(served)).isEqualTo(SPEC.ids());
        assertThat(SPEC.servedBy(find(ExperimentRunsResource.class, "cancelExperimentRun")))
                .hasValueSatisfying(op -> {
                    assertThat(op.id()).isEqualTo("cancel_experiment_run");
                    assertThat(op.requiresKey()).isTrue();
                    assertThat(op.answersPage()).isFalse();
                });
        assertThat(SPEC.servedBy(find(ExperimentRunsResource.class, "listExperimentRuns")))
                .map(SpecOperations.Operation::answersPage)
                .hasValue(true);
    }

    @Test
    void negative_control_a_method_without_an_operation_id_serves_none() throws Exception {
        Method plain = Unannotated.class.getDeclaredMethod("cancelExperimentRun", String.class);

        assertThat(SPEC.servedBy(plain)).isEqualTo(Optional.empty());
    }

    /** Same name and parameters as a served method, no generated interface behind it. */
    static final class Unannotated {
        public Object cancelExperimentRun(String runId) {
            return runId;
        }
    }

    private static Method find(Class<?> type, String name) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.getName().equals(name) && !m.isSynthetic())
                .findFirst()
                .orElseThrow();
    }
}
