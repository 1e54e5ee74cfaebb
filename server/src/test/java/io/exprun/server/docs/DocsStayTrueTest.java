package io.exprun.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs a newcomer reads stay true to the tree: every relative link in README.md, BENCHMARKS.md, RELEASING.md and
 * docs/**.md resolves to a file (and, for an anchor into a Markdown file, to one of its headings, slugged as GitHub
 * does), every {@code package/Class} of the server they name is a source file of the server, and the README stays
 * short enough to read in five minutes. Each check has a negative control feeding it a known-bad snippet.
 */
class DocsStayTrueTest {

    static final int README_MAX_LINES = 250;

    /** The benchmarks' lab notebook is history: its class names are those of their day, kept verbatim. */
    static final Set<String> HISTORY = Set.of("docs/benchmarks-archive.md");

    private static final Pattern FENCE = Pattern.compile("^\\s*```");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\n]*`");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]\n]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    /** {@code store/SqliteWriter}, {@code domain/port/RunStore}: lower-case segments, then a class name. */
    private static final Pattern CLASS_MENTION = Pattern.compile("(?<![\\w./-])((?:[a-z]+/)+)([A-Z]\\w*)");

    static final Path ROOT = repositoryRoot();

    /** The directory holding {@code .ci/run}, found by walking up from where the tests run. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".ci/run"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory above " + Path.of("").toAbsolutePath() + " holds .ci/run");
    }

    static List<Path> docs() {
        List<Path> docs = new ArrayList<>(
                List.of(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md"), ROOT.resolve("RELEASING.md")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text outside fenced code blocks, code spans blanked (a link or a heading there is no link or heading). */
    static List<String> prose(String markdown, boolean blankCodeSpans) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                lines.add(blankCodeSpans ? CODE_SPAN.matcher(line).replaceAll("x") : line);
            }
        }
        return lines;
    }

    /** GitHub's anchors for a Markdown text's headings: lower case, punctuation dropped, spaces to hyphens, -1… */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown, false)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String text = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
                String slug = text.toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{M}\\p{N}_ -]", "")
                        .replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** Each relative link of {@code markdown} (a file at {@code file}) that names no file, or no heading of it. */
    static List<String> brokenLinks(Path file, String markdown) {
        List<String> broken = new ArrayList<>();
        for (String line : prose(markdown, true)) {
            Matcher link = LINK.matcher(line);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto:: not the tree's
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved =
                        path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(target + " (no file " + ROOT.relativize(resolved) + ")");
                } else if (anchor != null
                        && resolved.toString().endsWith(".md")
                        && !anchors(resolved.equals(file) ? markdown : read(resolved))
                                .contains(anchor)) {
                    broken.add(target + " (no heading #" + anchor + " in " + ROOT.relativize(resolved) + ")");
                }
            }
        }
        return broken;
    }

    /** The server's packages, main and test: the first segment a {@code package/Class} mention of its code has. */
    static Set<String> serverPackages() {
        Set<String> packages = new HashSet<>();
        for (String tree : List.of("main", "test")) {
            try (Stream<Path> dirs = Files.list(ROOT.resolve("server/src/" + tree + "/java/io/exprun/server"))) {
                dirs.filter(Files::isDirectory)
                        .forEach(d -> packages.add(d.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return packages;
    }

    /** Each {@code package/Class} of the server named in {@code markdown} that is no source file of the server. */
    static List<String> unknownClasses(String markdown) {
        Set<String> packages = serverPackages();
        List<String> unknown = new ArrayList<>();
        Matcher mention = CLASS_MENTION.matcher(markdown);
        while (mention.find()) {
            String packagePath = mention.group(1);
            if (!packages.contains(packagePath.substring(0, packagePath.indexOf('/')))) {
                continue; // bench/…, openapi/…: not the server's code
            }
            String source = packagePath + mention.group(2) + ".java";
            boolean exists = Stream.of("main", "test")
                    .anyMatch(tree -> Files.isRegularFile(
                            ROOT.resolve("server/src/" + tree + "/java/io/exprun/server/" + source)));
            if (!exists) {
                unknown.add(packagePath + mention.group(2));
            }
        }
        return unknown;
    }

    @Test
    void every_relative_link_in_the_docs_resolves() {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            brokenLinks(doc, read(doc)).forEach(b -> broken.add(ROOT.relativize(doc) + ": " + b));
        }
        assertThat(broken).as("links to files or headings that do not exist").isEmpty();
    }

    @Test
    void every_server_class_the_docs_name_exists() {
        List<String> unknown = new ArrayList<>();
        for (Path doc : docs()) {
            if (!HISTORY.contains(ROOT.relativize(doc).toString().replace('\\', '/'))) {
                unknownClasses(read(doc)).forEach(c -> unknown.add(ROOT.relativize(doc) + ": " + c));
            }
        }
        assertThat(unknown)
                .as("package/Class names of no source file of the server")
                .isEmpty();
    }

    /** Whether a README of this text is read in five minutes: at most {@link #README_MAX_LINES} lines. */
    static boolean shortEnough(String readme) {
        return readme.lines().count() <= README_MAX_LINES;
    }

    @Test
    void the_readme_is_read_in_five_minutes() {
        assertThat(shortEnough(read(ROOT.resolve("README.md"))))
                .as(
                        "README.md within %d lines (it has %d)",
                        README_MAX_LINES,
                        read(ROOT.resolve("README.md")).lines().count())
                .isTrue();
    }

    @Test
    void negative_control_broken_links_and_anchors_are_caught() {
        Path readme = ROOT.resolve("README.md");
        String bad = "# Title\n\nSee [ops](docs/no-such-page.md), [cfg](docs/operating.md#no-such-heading),"
                + " [here](#not-here), [title](#title), [web](https://example.com/x.md).\n"
                + "```\n[in a fence](nowhere.md)\n```\nand `[in code](nowhere.md)`.\n";

        assertThat(brokenLinks(readme, bad))
                .containsExactly(
                        "docs/no-such-page.md (no file docs/no-such-page.md)",
                        "docs/operating.md#no-such-heading (no heading #no-such-heading in docs/operating.md)",
                        "#not-here (no heading #not-here in README.md)");
        assertThat(brokenLinks(readme, "[ok](docs/operating.md#configuration) [dir](docs/decisions/)"))
                .isEmpty();
    }

    @Test
    void negative_control_slugs_are_githubs() {
        assertThat(anchors("## The request edge: what the spec decides\n## Try it: a → b\n## Twice\n## Twice\n"))
                .containsExactlyInAnyOrder("the-request-edge-what-the-spec-decides", "try-it-a--b", "twice", "twice-1");
    }

    @Test
    void negative_control_stale_class_names_are_caught() {
        String bad = "`store/SqliteWriter` writes; `api/WholeBodyFilter` and `error/EmptyErrorBodies` do not exist;"
                + " `domain/port/RunStore`, `testing/TestServer` do; `bench/lua/Create` is not the server's.";

        assertThat(unknownClasses(bad)).containsExactly("api/WholeBodyFilter", "error/EmptyErrorBodies");
    }

    @Test
    void negative_control_a_long_readme_is_caught() {
        assertThat(shortEnough("line\n".repeat(README_MAX_LINES + 1))).isFalse();
        assertThat(shortEnough("line\n".repeat(README_MAX_LINES))).isTrue();
    }
}
