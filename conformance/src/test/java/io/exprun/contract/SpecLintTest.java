package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spec's hygiene, checked by the build: every operation has an operationId, exactly one tag (the generator emits
 * an operation once per tag), a description, a response example for its success answer, and every example in the
 * document validates against its own schema; the links that chain operations (create → get, cancel, results; a result
 * → its run) exist and lead somewhere: each names an operation and its parameters, and each value it takes from the
 * answer is there in that answer's example.
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
            String success = "204".equals(firstSuccess(op)) ? "204" : "200";
            JsonNode ok = resolve(op.path("responses").path(success));
            if (success.equals("204")) {
                if (ok.has("content")) {
                    problems.add(where + ": its 204 answer declares content");
                }
            } else if (ok.path("content")
                    .path("application/json")
                    .path("example")
                    .isMissingNode()) {
                problems.add(where + ": no example for its 200 answer");
            }
        });
        assertThat(problems).isEmpty();
    }

    /** The operation's first 2xx status: its success answer (204 for a delete, 200 otherwise). */
    private static String firstSuccess(JsonNode op) {
        for (Iterator<String> it = op.path("responses").fieldNames(); it.hasNext(); ) {
            String status = it.next();
            if (status.startsWith("2")) {
                return status;
            }
        }
        return "none";
    }

    @Test
    void every_example_validates_against_its_own_schema() {
        List<String> problems = new ArrayList<>();
        forEachOperation((where, op) -> {
            JsonNode request = op.path("requestBody").path("content").path("application/json");
            check(where + " request", request, problems);
            for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                check(
                        where + " → " + response.getKey(),
                        resolve(response.getValue()).path("content").path("application/json"),
                        problems);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void the_lint_catches_an_example_that_drifts_from_its_schema() {
        JsonNode cancel = SPEC.spec()
                .at(
                        "/paths/~1v1~1workflows~1experiments~1runs~1{run_id}~1cancel/post/responses/200/content/application~1json");
        JsonNode drifted = cancel.get("example").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) drifted.get("lifecycle")).put("status", "canceled");

        assertThat(SPEC.violationsAgainst(cancel.get("schema"), drifted)).isNotEmpty();
    }

    @Test
    void the_links_chain_create_to_get_cancel_and_results_and_a_result_to_its_run() {
        assertThat(linkTargets(SPEC.spec(), "create_experiment_run"))
                .contains("get_experiment_run", "cancel_experiment_run", "list_experiment_results");
        assertThat(linkTargets(SPEC.spec(), "get_experiment_result")).contains("get_experiment_run");
        assertThat(linkProblems(SPEC.spec())).isEmpty();
    }

    @Test
    void the_lint_catches_a_link_to_nowhere_a_wrong_parameter_and_a_value_the_answer_lacks() {
        JsonNode spec = SPEC.spec().deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode links =
                (com.fasterxml.jackson.databind.node.ObjectNode) spec.at("/components/links");
        ((com.fasterxml.jackson.databind.node.ObjectNode) links.get("GetRun")).put("operationId", "get_run");
        ((com.fasterxml.jackson.databind.node.ObjectNode) links.get("CancelRun").get("parameters"))
                .put("id", "$response.body#/id");
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        links.get("GetRunOfResult").get("parameters"))
                .put("run_id", "$response.body#/run_id");

        assertThat(linkProblems(spec))
                .anySatisfy(p -> assertThat(p).contains("GetRun").contains("no operation get_run"))
                .anySatisfy(p -> assertThat(p).contains("CancelRun").contains("no parameter id"))
                .anySatisfy(p -> assertThat(p).contains("GetRunOfResult").contains("/run_id"));
    }

    /** The operationIds the 200 answer of {@code operationId} links to. */
    private static List<String> linkTargets(JsonNode spec, String operationId) {
        List<String> targets = new ArrayList<>();
        forEachOperation(spec, (where, op) -> {
            if (operationId.equals(op.path("operationId").asText())) {
                resolve(spec, op.path("responses").path("200"))
                        .path("links")
                        .forEach(link -> targets.add(
                                resolve(spec, link).path("operationId").asText()));
            }
        });
        return targets;
    }

    /** Links that name no operation, a parameter it does not have, or a body value their answer's example lacks. */
    static List<String> linkProblems(JsonNode spec) {
        List<String> problems = new ArrayList<>();
        forEachOperation(
                spec,
                (where, op) -> op.path("responses").fields().forEachRemaining(response -> {
                    JsonNode answer = resolve(spec, response.getValue());
                    answer.path("links").fields().forEachRemaining(named -> {
                        JsonNode link = resolve(spec, named.getValue());
                        String name = where + " → " + response.getKey() + " link " + named.getKey()
                                + (named.getValue().has("$ref")
                                        ? " (" + named.getValue().get("$ref").asText() + ")"
                                        : "");
                        JsonNode target =
                                operation(spec, link.path("operationId").asText());
                        if (target == null) {
                            problems.add(name + ": no operation "
                                    + link.path("operationId").asText());
                            return;
                        }
                        link.path("parameters").fields().forEachRemaining(parameter -> {
                            boolean exists = false;
                            for (JsonNode declared : target.path("parameters")) {
                                exists |= parameter
                                        .getKey()
                                        .equals(resolve(spec, declared)
                                                .path("name")
                                                .asText());
                            }
                            if (!exists) {
                                problems.add(
                                        name + ": " + link.path("operationId").asText() + " has no parameter "
                                                + parameter.getKey());
                            }
                            String expression = parameter.getValue().asText();
                            if (expression.startsWith("$response.body#")) {
                                String pointer = expression.substring("$response.body#".length());
                                JsonNode value = answer.path("content")
                                        .path("application/json")
                                        .path("example")
                                        .at(pointer);
                                if (value.isMissingNode() || value.isNull()) {
                                    problems.add(name + ": the answer's example has no value at " + pointer);
                                }
                            }
                        });
                    });
                }));
        return problems;
    }

    private static JsonNode operation(JsonNode spec, String operationId) {
        JsonNode[] found = {null};
        forEachOperation(spec, (where, op) -> {
            if (operationId.equals(op.path("operationId").asText())) {
                found[0] = op;
            }
        });
        return found[0];
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
        return resolve(SPEC.spec(), node);
    }

    private static JsonNode resolve(JsonNode spec, JsonNode node) {
        return node.has("$ref") ? spec.at(node.get("$ref").asText().substring(1)) : node;
    }

    private interface OperationVisitor {
        void visit(String where, JsonNode operation);
    }

    private static void forEachOperation(OperationVisitor visitor) {
        forEachOperation(SPEC.spec(), visitor);
    }

    private static void forEachOperation(JsonNode spec, OperationVisitor visitor) {
        spec.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue()
                        .fields()
                        .forEachRemaining(op -> visitor.visit(
                                op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue())));
    }
}
