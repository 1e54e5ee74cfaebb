package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The breaking-change gate: the spec must stay compatible with its baseline, the latest released contract
 * ({@link Releases#latest()}, kept under released/maven), judged by openapi-diff and the response check of
 * {@link CompatibilityGate}, unless its {@code info.version} says it may break: a new major, or a new minor while 0.x
 * (RELEASING.md). Releasing is what moves the baseline. Every build also writes the changelog against the baseline
 * to target/spec-changelog.md, which a release attaches.
 */
class BreakingChangeGateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String PAUSED_VARIANT = """
                PausedWorkflowExperimentRun:
                  properties:
                    status:
                      type: string
                      const: paused
                  type: object
                CancelledWorkflowExperimentRun:
            """;

    private static String spec() throws IOException {
        return Files.readString(Path.of(System.getProperty("exprun.spec", "experiment-runs.yaml")));
    }

    private static String baseline() {
        return Releases.fromBuild().latest().spec();
    }

    private static Releases.SemVer version(String spec) {
        return Releases.SemVer.parse(Releases.infoVersion(spec));
    }

    @Test
    void the_spec_is_compatible_with_the_latest_release_unless_its_version_says_it_may_break() throws IOException {
        String spec = spec();
        Releases.SemVer released = version(baseline());
        if (version(spec).mayBreak(released)) {
            return; // the version tells consumers to expect breaking changes; the changelog lists them
        }
        assertThat(CompatibilityGate.breakingChanges(baseline(), spec))
                .as(
                        "openapi/experiment-runs.yaml breaks clients of the released contract %s; if that is deliberate, "
                                + "its info.version must say so (a new major, or a new minor while 0.x)",
                        released)
                .isEmpty();
    }

    @Test
    void only_a_new_major_or_a_new_minor_while_0x_may_break() {
        Releases.SemVer v010 = Releases.SemVer.parse("0.1.0");
        assertThat(Releases.SemVer.parse("0.2.0").mayBreak(v010)).isTrue();
        assertThat(Releases.SemVer.parse("1.0.0").mayBreak(v010)).isTrue();
        assertThat(Releases.SemVer.parse("0.1.1").mayBreak(v010)).isFalse();
        assertThat(Releases.SemVer.parse("0.1.0").mayBreak(v010)).isFalse();
        assertThat(Releases.SemVer.parse("1.1.0").mayBreak(Releases.SemVer.parse("1.0.0")))
                .isFalse();
        assertThat(Releases.SemVer.parse("2.0.0").mayBreak(Releases.SemVer.parse("1.4.2")))
                .isTrue();
    }

    @Test
    void every_build_writes_the_changelog_against_the_baseline() throws IOException {
        Path changelog = Path.of(System.getProperty("exprun.changelog", "target/spec-changelog.md"));
        Files.createDirectories(changelog.toAbsolutePath().getParent());

        Files.writeString(changelog, CompatibilityGate.changelog(baseline(), spec()));

        assertThat(Files.readString(changelog))
                .startsWith("# Changes of the spec against the baseline")
                .contains("## What clients read in responses")
                .contains("## Every change, by location")
                .contains("## openapi-diff");
    }

    @Test
    void adding_a_lifecycle_variant_fails_the_gate_and_shows_in_the_changelog() throws IOException {
        String spec = baseline();
        String with = withPausedVariant(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, with))
                .anySatisfy(p -> assertThat(p)
                        .contains(".lifecycle|PausedWorkflowExperimentRun added")
                        .contains("strict clients fail on an unknown value")
                        .contains("x-extensible-union"));
        assertThat(CompatibilityGate.changelog(spec, with))
                .contains(
                        "**breaking** GET /v1/workflows/experiments/runs/{run_id} → 200: .lifecycle|PausedWorkflowExperimentRun added");
    }

    @Test
    void adding_a_value_to_a_response_enum_fails_the_gate() throws IOException {
        String spec = baseline();
        String with = spec.replace("""
                        - split
                        - for_each
                """, """
                        - split
                        - for_each
                        - merge
                """);
        assertThat(with).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, with))
                .anySatisfy(
                        p -> assertThat(p).contains(".block_type=merge added").contains("x-extensible-enum"));
    }

    @Test
    void the_same_additions_pass_where_the_spec_marks_the_union_or_enum_open() throws IOException {
        String spec = markedOpen(baseline());
        String with = markedOpen(withPausedVariant(baseline())).replace("""
                        - split
                        - for_each
                """, """
                        - split
                        - for_each
                        - merge
                """);

        assertThat(CompatibilityGate.breakingChanges(spec, with)).isEmpty();
        assertThat(CompatibilityGate.changelog(spec, with))
                .contains("PausedWorkflowExperimentRun added (marked open")
                .doesNotContain("**breaking**");
    }

    @Test
    void adding_a_value_to_an_enum_only_requests_use_passes_the_gate() throws IOException {
        String spec = baseline();
        String with = spec.replace(
                "        - cancelled\n    BlockType:", "        - cancelled\n        - paused\n    BlockType:");
        assertThat(with).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, with)).isEmpty();
    }

    @Test
    void requiring_status_and_titling_every_lifecycle_variant_passes_the_gate() throws IOException {
        String released = baseline(); // has both; "before" is it without them, as contract drafts once were
        JsonNode tree = YAML.readTree(released);
        int variants = 0;
        for (var it = tree.at("/components/schemas").fields(); it.hasNext(); ) {
            var schema = it.next();
            if (schema.getKey()
                    .matches("(Pending|Queued|Running|Completed|Error|Cancelled)WorkflowExperiment(Run|Result)")) {
                ((ObjectNode) schema.getValue()).remove(List.of("required", "title"));
                variants++;
            }
        }
        ((ObjectNode) tree.get("info")).put("description", "Reworded.");
        assertThat(variants).isEqualTo(12);
        String before = JSON.writeValueAsString(tree);

        assertThat(CompatibilityGate.breakingChanges(before, released)).isEmpty();
        assertThat(CompatibilityGate.changelog(before, released))
                .contains("- `components.schemas.PendingWorkflowExperimentRun.required`: added `[\"status\"]`")
                .contains(
                        "- `components.schemas.PendingWorkflowExperimentResult.title`: added `\"PendingWorkflowExperimentResult\"`")
                .contains("- `info.description`: reworded");
    }

    private static String withPausedVariant(String spec) {
        String with = spec.replace("""
                        - $ref: '#/components/schemas/CancelledWorkflowExperimentRun'
                """, """
                        - $ref: '#/components/schemas/CancelledWorkflowExperimentRun'
                        - $ref: '#/components/schemas/PausedWorkflowExperimentRun'
                """)
                .replace("""
                          running: '#/components/schemas/RunningWorkflowExperimentRun'
                """, """
                          running: '#/components/schemas/RunningWorkflowExperimentRun'
                          paused: '#/components/schemas/PausedWorkflowExperimentRun'
                """)
                .replace("    CancelledWorkflowExperimentRun:\n", PAUSED_VARIANT);
        assertThat(with).isNotEqualTo(spec).contains("const: paused");
        return with;
    }

    private static String markedOpen(String spec) {
        String open = spec.replace("""
                    WorkflowExperimentRunLifecycle:
                      description: The state of an experiment run, told apart by `status`.
                """, """
                    WorkflowExperimentRunLifecycle:
                      description: The state of an experiment run, told apart by `status`.
                      x-extensible-union: true
                """).replace("""
                    BlockType:
                      type: string
                """, """
                    BlockType:
                      type: string
                      x-extensible-enum: true
                """);
        assertThat(open).isNotEqualTo(spec).contains("x-extensible-union: true").contains("x-extensible-enum: true");
        return open;
    }

    @Test
    void removing_a_response_field_fails_the_gate() throws IOException {
        String spec = baseline();
        String without = spec.replace("""
                        completed_document_count:
                          type: integer
                          default: 0
                """, "");
        assertThat(without).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, without))
                .anySatisfy(p -> assertThat(p).contains(".completed_document_count removed"));
    }

    @Test
    void removing_a_lifecycle_variant_fails_the_gate() throws IOException {
        String spec = baseline();
        String without = spec.replace("""
                        - $ref: '#/components/schemas/CancelledWorkflowExperimentRun'
                """, "").replace("""
                          cancelled: '#/components/schemas/CancelledWorkflowExperimentRun'
                """, "");
        assertThat(without).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, without))
                .anySatisfy(p -> assertThat(p).contains(".lifecycle|CancelledWorkflowExperimentRun removed"));
    }

    @Test
    void removing_an_operation_or_requiring_a_new_request_field_fails_the_gate() throws IOException {
        String spec = baseline();
        String noGet = spec.replace(
                "    get:\n      tags:\n        - Experiment Results\n      summary: Get Experiment Result",
                "    x-removed:\n      tags:\n        - Experiment Results\n      summary: Get Experiment Result");
        String newRequired = spec.replace("""
                      required:
                        - experiment_id
                """, """
                      required:
                        - experiment_id
                        - plan_token
                """);
        assertThat(noGet).isNotEqualTo(spec);
        assertThat(newRequired).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, noGet)).isNotEmpty();
        assertThat(CompatibilityGate.breakingChanges(spec, newRequired)).isNotEmpty();
    }

    @Test
    void adding_an_optional_response_field_passes_the_gate() throws IOException {
        String spec = baseline();
        String with = spec.replace("""
                        error_count:
                          type: integer
                          default: 0
                """, """
                        error_count:
                          type: integer
                          default: 0
                        retry_count:
                          type: integer
                          default: 0
                """);
        assertThat(with).isNotEqualTo(spec);

        assertThat(CompatibilityGate.breakingChanges(spec, with)).isEmpty();
    }
}
