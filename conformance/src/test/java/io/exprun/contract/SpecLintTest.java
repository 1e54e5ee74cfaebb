package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's hygiene, checked by the build: every operation has an operationId, exactly one tag (the generator emits
 * an operation once per tag), a description, a response example for its success answer, and every example in the
 * document validates against its own schema.
 */
class SpecLintTest {

    private static final SpecConformance SPEC = SpecConformance.load();

    @Test
    void every_operation_has_an_operation_id_one_tag_a_description_and_a_success_example() {
        List<String> problems = new ArrayList<>();
        forEachOperation((where, op) -> {
            if (!op.path("operationId").isTextual()) {
                problems.add(where + ": no operationId");
            }
            if (op.path("tags").size() != 1) {
                problems.add(where + ": needs exactly one tag, has " + op.path("tags"));
            }
            if (op.path("description").asText("").isBlank()) {
                problems.add(where + ": no description");
            }
            JsonNode ok = resolve(op.path("responses").path("200"));
            if (ok.path("content").path("application/json").path("example").isMissingNode()) {
                problems.add(where + ": no example for its 200 answer");
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void every_example_validates_against_its_own_schema() {
        List<String> problems = new ArrayList<>();
        forEachOperation((where, op) -> {
            JsonNode request = op.path("requestBody").path("content").path("application/json");
            check(where + " request", request, problems);
            for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                check(where + " → " + response.getKey(), resolve(response.getValue()).path("content").path("application/json"),
                        problems);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void the_lint_catches_an_example_that_drifts_from_its_schema() {
        JsonNode cancel = SPEC.spec().at("/paths/~1v1~1workflows~1experiments~1runs~1{run_id}~1cancel/post/responses/200/content/application~1json");
        JsonNode drifted = cancel.get("example").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) drifted.get("lifecycle")).put("status", "canceled");

        assertThat(SPEC.violationsAgainst(cancel.get("schema"), drifted)).isNotEmpty();
    }

    private static void check(String where, JsonNode media, List<String> problems) {
        if (media.isMissingNode() || !media.has("example")) {
            return;
        }
        for (String v : SPEC.violationsAgainst(media.get("schema"), media.get("example"))) {
            problems.add(where + " example: " + v);
        }
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? SPEC.spec().at(node.get("$ref").asText().substring(1)) : node;
    }

    private interface OperationVisitor {
        void visit(String where, JsonNode operation);
    }

    private static void forEachOperation(OperationVisitor visitor) {
        SPEC.spec().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op ->
                visitor.visit(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue())));
    }
}
