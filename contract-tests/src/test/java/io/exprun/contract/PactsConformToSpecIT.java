package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every interaction of every pact the consumer tests wrote (target/pacts, written in the test phase) is checked
 * against the spec for its operation and status: a consumer expectation the spec does not promise fails the build,
 * whether or not the provider happens to honour it. Negative controls: a pact expecting {@code "canceled"}, one
 * expecting an undeclared status, one expecting a field the spec does not define, and one sending a bad request
 * body are rejected.
 */
class PactsConformToSpecIT {

    private static final SpecConformance SPEC = SpecConformance.load();
    private static final PactSpecCheck CHECK = new PactSpecCheck(SPEC);
    private static final Path PACTS = Path.of(System.getProperty("exprun.pacts", "target/pacts"));
    private static final Path NEGATIVE = Path.of("src/test/resources/negative-pacts/exprun-client-exprun-server.json");

    private static List<Path> pacts() throws IOException {
        try (Stream<Path> files = Files.list(PACTS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void the_consumer_tests_wrote_pacts_with_every_interaction() throws IOException {
        assertThat(pacts()).isNotEmpty();
        int interactions = pacts().stream().mapToInt(p -> CHECK.check(p).size()).sum();
        assertThat(interactions).as("interactions in %s", PACTS).isGreaterThanOrEqualTo(36);
    }

    /**
     * Every operation of the spec is exercised by some consumer interaction. The runs' and the experiments' consumer
     * tests are two classes writing one pact file: were one to overwrite the other's interactions instead of merging
     * with them, the operations of the class written first would be missing here.
     */
    @Test
    void every_operation_of_the_spec_has_a_consumer_interaction() throws IOException {
        Set<String> exercised = pacts().stream()
                .flatMap(p -> CHECK.check(p).stream())
                .flatMap(i -> SPEC.operation(i.method(), i.path()).stream())
                .map(SpecConformance.Operation::operationId)
                .collect(Collectors.toSet());

        assertThat(exercised)
                .as("operations exercised by the pacts in %s", PACTS)
                .containsAll(SPEC.operations().stream()
                        .map(SpecConformance.Operation::operationId)
                        .toList());
    }

    @TestFactory
    Stream<DynamicTest> every_interaction_of_every_pact_is_what_the_spec_promises() throws IOException {
        return pacts().stream()
                .flatMap(p -> CHECK.check(p).stream())
                .map(i -> DynamicTest.dynamicTest(
                        i.pact() + ": " + i.description() + " (" + i.method() + " " + i.path() + " → " + i.status()
                                + ")",
                        () -> {
                            if (i.description().startsWith(PactSpecCheck.BEYOND_THE_CONTRACT)) {
                                assertThat(beyondOnlyInTheLifecycle(i))
                                        .as("goes beyond the contract only in the lifecycle: %s", i.violations())
                                        .isTrue();
                            } else {
                                assertThat(i.violations())
                                        .as("the spec does not promise this")
                                        .isEmpty();
                            }
                        }));
    }

    /**
     * A consumer showing it tolerates what a later contract may add: the answer is beyond this contract, and only
     * where the contract is open to additions (the lifecycle union).
     */
    static boolean beyondOnlyInTheLifecycle(PactSpecCheck.Interaction i) {
        return !i.violations().isEmpty() && i.violations().stream().allMatch(v -> v.contains(": /lifecycle"));
    }

    @Test
    void an_interaction_beyond_the_contract_must_be_so_in_the_lifecycle_and_only_there() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode pact = json.readTree(NEGATIVE.toFile()); // expects "canceled": beyond the contract, in the lifecycle
        assertThat(CHECK.check("beyond", pact))
                .singleElement()
                .satisfies(i -> assertThat(beyondOnlyInTheLifecycle(i)).isTrue());

        ObjectNode response = (ObjectNode) pact.path("interactions").get(0).get("response");
        ((ObjectNode) response.get("body")).put("id", 7); // and a run id of the wrong type
        assertThat(CHECK.check("beyond elsewhere too", pact))
                .singleElement()
                .satisfies(i -> assertThat(beyondOnlyInTheLifecycle(i)).isFalse());

        ((ObjectNode) response.get("body")).put("id", "exprun_example");
        ((ObjectNode) response.get("body").get("lifecycle")).put("status", "cancelled");
        assertThat(CHECK.check("not beyond at all", pact))
                .singleElement()
                .satisfies(i -> assertThat(beyondOnlyInTheLifecycle(i)).isFalse());
    }

    @Test
    void a_pact_expecting_canceled_is_rejected() {
        List<PactSpecCheck.Interaction> checked = CHECK.check(NEGATIVE);

        assertThat(checked)
                .singleElement()
                .satisfies(i -> assertThat(i.violations())
                        .isNotEmpty()
                        .anySatisfy(v -> assertThat(v).contains("/lifecycle")));
    }

    @Test
    void a_pact_expecting_an_undeclared_status_or_field_or_sending_a_bad_body_is_rejected() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode pact = json.readTree(NEGATIVE.toFile());
        ObjectNode interaction = (ObjectNode) pact.path("interactions").get(0);
        ((ObjectNode) interaction.get("response")).put("status", 409);

        assertThat(CHECK.check("conflict", pact))
                .singleElement()
                .satisfies(i ->
                        assertThat(i.violations()).anySatisfy(v -> assertThat(v).contains("status not declared")));

        ObjectNode body = (ObjectNode) interaction.get("response").get("body");
        ((ObjectNode) interaction.get("response")).put("status", 200);
        ((ObjectNode) body.get("lifecycle")).put("status", "cancelled").put("cancelled_by", "someone");
        assertThat(CHECK.check("undeclared-field", pact))
                .singleElement()
                .satisfies(i -> assertThat(i.violations()).isNotEmpty());
        ((ObjectNode) body.get("lifecycle")).remove("cancelled_by");
        assertThat(CHECK.check("the same, fixed", pact))
                .singleElement()
                .satisfies(i -> assertThat(i.violations()).isEmpty());

        JsonNode create = json.readTree("""
                {"interactions":[{"description":"create with a numeric experiment id",
                  "request":{"method":"POST","path":"/v1/workflows/experiments/runs","body":{"experiment_id":7}},
                  "response":{"status":200,"body":{"id":"exprun_1"}}}]}""");
        assertThat(CHECK.check("bad-create", create))
                .singleElement()
                .satisfies(i -> assertThat(i.violations())
                        .anySatisfy(v -> assertThat(v).startsWith("request body:"))
                        .anySatisfy(v -> assertThat(v).contains("experiment_id")));
    }
}
