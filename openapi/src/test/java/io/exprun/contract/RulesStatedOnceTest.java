package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The contract's rules are stated once, in the spec: the lifecycle statuses ({@code LifecycleStatus}) and which are
 * terminal ({@code x-terminal}), and the error codes ({@code ErrorCode}). Every module uses the enums the build
 * generates from them (openapi/templates/rules), so no hand-written main source in the tree may state them again: no
 * error code as a string literal, no two or more statuses listed together (a list, a set, a case label, an SQL
 * {@code IN} list). Tests are left out on purpose: they state what the wire must carry, independently.
 */
class RulesStatedOnceTest {

    private static final Path ROOT = Path.of(System.getProperty("exprun.root"));
    private static final JsonNode SPEC = read(Path.of(System.getProperty("exprun.spec")));

    /** Left out of the scan: /readyz's own word for a database that is down, which is no error code. */
    private static final List<String> NOT_SCANNED =
            List.of("server/src/main/java/io/exprun/server/ops/HealthResource.java");

    static List<String> values(String schema) {
        return StreamSupport.stream(
                        SPEC.at("/components/schemas/" + schema + "/enum").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    @Test
    void the_spec_states_each_status_and_code_once_and_uses_only_those() {
        List<String> statuses = values("LifecycleStatus");
        List<String> codes = values("ErrorCode");
        Set<String> terminal = new TreeSet<>();
        SPEC.at("/components/schemas/LifecycleStatus/x-terminal").forEach(s -> terminal.add(s.asText()));

        assertThat(statuses).doesNotHaveDuplicates().isNotEmpty();
        assertThat(codes).doesNotHaveDuplicates().isNotEmpty();
        assertThat(terminal).isNotEmpty().isSubsetOf(statuses).hasSizeLessThan(statuses.size());
        for (String union : List.of("WorkflowExperimentRunLifecycle", "WorkflowExperimentResultLifecycle")) {
            Set<String> variants = new TreeSet<>();
            SPEC.at("/components/schemas/" + union + "/discriminator/mapping")
                    .fieldNames()
                    .forEachRemaining(variants::add);
            assertThat(variants).as(union).isEqualTo(new TreeSet<>(statuses));
        }
        assertThat(SPEC.at("/components/schemas/ErrorCode/x-enum-descriptions"))
                .as("a description for each code")
                .hasSize(codes.size());
        List<String> inExamples = new ArrayList<>();
        SPEC.at("/components/responses")
                .forEach(r -> r.findValues("example").stream()
                        .map(e -> e.at("/detail/code"))
                        .filter(JsonNode::isTextual)
                        .forEach(c -> inExamples.add(c.asText())));
        assertThat(inExamples).isNotEmpty().allMatch(codes::contains);
    }

    @Test
    void no_hand_written_main_source_states_them_again() {
        assertThat(restatements(ROOT, values("ErrorCode"), values("LifecycleStatus")))
                .isEmpty();
    }

    @Test
    void negative_control_a_restated_code_and_status_set_are_found() {
        Path fixture = Path.of("src/test/resources/restated-rules");

        List<String> found = restatements(fixture, values("ErrorCode"), values("LifecycleStatus"));

        // a comment and a transition (two statuses, not listed together) are no restatement
        String file = "fixture-module/src/main/java/Restated.java: ";
        assertThat(found)
                .containsExactlyInAnyOrder(
                        file + "error code run_not_found",
                        file + "statuses [pending, queued, running]",
                        file + "statuses [completed, error]",
                        file + "error code precondition_failed");
    }

    /** Each place under {@code root} where a main source states an error code or lists statuses. */
    static List<String> restatements(Path root, List<String> codes, List<String> statuses) {
        String status = statuses.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        Pattern listed = Pattern.compile("([\"'])(" + status + ")\\1(?:\\s*,\\s*([\"'])(?:" + status + ")\\3)+");
        Pattern literal =
                Pattern.compile("\"(" + codes.stream().map(Pattern::quote).collect(Collectors.joining("|")) + ")\"");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String path = root.relativize(file).toString().replace('\\', '/');
                if (!path.contains("src/main/java/")
                        || path.contains("src/test/")
                        || path.contains("/target/")
                        || path.startsWith("released/")
                        || NOT_SCANNED.stream().anyMatch(path::startsWith)) {
                    continue;
                }
                String code = withoutComments(Files.readString(file));
                Matcher c = literal.matcher(code);
                while (c.find()) {
                    found.add(path + ": error code " + c.group(1));
                }
                Matcher l = listed.matcher(code);
                while (l.find()) {
                    List<String> named = new ArrayList<>();
                    Matcher each = Pattern.compile(status).matcher(l.group());
                    while (each.find()) {
                        named.add(each.group());
                    }
                    found.add(path + ": statuses " + named);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * The source without its comments (a javadoc may name codes and statuses; only code states rules), read as Java
     * reads it: a {@code //} or {@code /*} inside a string is no comment.
     */
    static String withoutComments(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char ch = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i) < 0 ? source.length() : source.indexOf('\n', i);
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                code.append(' ');
            } else if (ch == '"' || ch == '\'') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != ch && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                code.append(source, i, Math.min(end + 1, source.length()));
                i = end + 1;
            } else {
                code.append(ch);
                i++;
            }
        }
        return code.toString();
    }

    private static JsonNode read(Path spec) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(spec.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
