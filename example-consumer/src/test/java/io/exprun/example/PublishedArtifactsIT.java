package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The acceptance of "a client they can pull": the exprun build staged the parent, openapi, conformance, client and stub
 * (their poms as written and their jars, what deploy publishes) into a Maven repository directory in its verify phase
 * (root pom, {@code install-file} with {@code localRepositoryPath}: unlike deploy it also runs offline). Here a project
 * outside the reactor ({@code src/it/outside-consumer}, with the README's example as its main class) is built by a
 * separate Maven, OFFLINE, from that repository as a {@code file:} remote: its test uses {@code @ExprunStub}, then the
 * README example runs against a real server.
 *
 * <p>How "only from the file repository" holds offline: the nested Maven gets a fresh, empty local repository and
 * {@code -o} with {@code aether.offline.protocols=file}, so the only remote it may reach is a {@code file:} one; its
 * settings mirror every repository to the staging repository. Third-party artifacts (Jackson, JUnit, plugins) come
 * from the machine's local repository as a read-only tail ({@code maven.repo.local.tail}); exprun artifacts are never
 * installed there by {@code verify}, and the test proves they came from the staging repository: they land in the
 * fresh local repository, which a tail hit would not do. (After a manual {@code install} of this version the proof is
 * impossible: the test then fails under CI=true and is skipped, saying why, elsewhere.)
 */
class PublishedArtifactsIT {

    private static final String VERSION = System.getProperty("exprun.version");
    private final Path staging = Path.of(System.getProperty("exprun.stagingRepository"));
    private final Path work = Path.of(System.getProperty("exprun.itDirectory"));

    @Test
    void a_project_outside_the_build_compiles_tests_and_runs_the_readme_example_from_the_deployed_artifacts()
            throws Exception {
        for (String artifact : List.of(
                "exprun-parent:pom",
                "exprun-client:jar",
                "exprun-openapi:jar",
                "exprun-conformance:jar",
                "exprun-stub:jar")) {
            assertThat(deployed(artifact.split(":")[0], artifact.split(":")[1]))
                    .as("%s staged by verify", artifact)
                    .isNotEmpty();
        }
        Path tail = Path.of(System.getProperty("exprun.localRepository"));
        Path installed = tail.resolve("io/exprun/exprun-client/" + VERSION + "/exprun-client-" + VERSION + ".jar");
        if (Files.exists(
                installed)) { // `install` put exprun in the local repository: the tail would hide the staging one
            String why = installed + " exists, so this build could not prove that a consumer resolves exprun from the "
                    + "deployed repository alone; delete " + tail.resolve("io/exprun") + " and run again";
            assertThat("true".equals(System.getenv("CI"))).as(why).isFalse();
            System.out.println("PublishedArtifactsIT skipped: " + why);
            Assumptions.abort(why);
        }

        Path project = prepareProject();
        Path freshRepository = work.resolve("fresh-local-repository");
        Path log = work.resolve("outside-consumer-build.log");
        try (TestServer server = TestServer.start(
                TestServer.embeddedConfig(1).withSimulation(1000, 0))) { // a run takes 5 s: the example cancels it
            List<String> command = new ArrayList<>(List.of(
                    maven(),
                    "-B",
                    "-o",
                    "-e",
                    "-s",
                    project.resolve("settings.xml").toString(),
                    "-Dmaven.repo.local=" + freshRepository,
                    "-Dmaven.repo.local.tail=" + tail,
                    "-Daether.offline.protocols=file",
                    "-f",
                    project.resolve("pom.xml").toString(),
                    "test",
                    "exec:java"));
            ProcessBuilder build =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            build.environment()
                    .putAll(Map.of(
                            "EXPRUN_BASE_URL", server.baseUri().toString(), "EXPRUN_API_KEY", RunFixtures.KEY_A));
            build.environment().remove("MAVEN_OPTS");
            Process maven = build.start();
            assertThat(maven.waitFor(3, TimeUnit.MINUTES))
                    .as("the outside build finishes; log: " + log)
                    .isTrue();
            String output = Files.readString(log);

            assertThat(maven.exitValue())
                    .as("outside build (log: " + log + ")\n" + tail(output))
                    .isZero();
            assertThat(output)
                    .contains("Tests run: 1, Failures: 0, Errors: 0")
                    .containsPattern("cancelled exprun_\\w+: Cancelled by API request")
                    .contains("second cancel: run_not_cancellable, status cancelled")
                    .contains("cancelled: Cancelled by API request")
                    .contains("doc_1: ");
        }
        Path downloaded = freshRepository.resolve("io/exprun/exprun-client/" + VERSION);
        assertThat(downloaded.resolve("exprun-client-" + VERSION + ".jar")).exists();
        assertThat(freshRepository.resolve("io/exprun/exprun-stub/" + VERSION + "/exprun-stub-" + VERSION + ".jar"))
                .exists();
        try (Stream<Path> files = Files.list(downloaded)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("where the client came from (a release records its repository in _remote.repositories, a "
                            + "snapshot in the repository's metadata file)")
                    .anyMatch(name -> name.equals("_remote.repositories") || name.endsWith("-exprun-staged.xml"));
        }
    }

    /**
     * The files of one artifact staged in the staging repository: {@code name-VERSION.ext} (a snapshot staged by
     * install-file keeps {@code -SNAPSHOT}; one deployed would be {@code name-X.Y.Z-<timestamp>-<n>.ext}: both match).
     */
    private List<String> deployed(String artifact, String extension) throws IOException {
        Path dir = staging.resolve("io/exprun/" + artifact + "/" + VERSION);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String base = VERSION.replace("-SNAPSHOT", "");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(artifact + "-" + base) && n.endsWith("." + extension))
                    .toList();
        }
    }

    private Path prepareProject() throws IOException {
        if (Files.exists(work)) {
            try (Stream<Path> old = Files.walk(work)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path project = work.resolve("outside-consumer");
        Path template = Path.of(System.getProperty("exprun.outsideTemplate"));
        try (Stream<Path> files = Files.walk(template)) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path to = project.resolve(template.relativize(from).toString());
                Files.createDirectories(to.getParent());
                String text = Files.readString(from);
                for (String property : List.of(
                        "exprun.version",
                        "junit.version",
                        "resources-plugin.version",
                        "compiler-plugin.version",
                        "surefire.version",
                        "exec-plugin.version")) {
                    text = text.replace("@" + property + "@", System.getProperty(property));
                }
                Files.writeString(to, text);
            }
        }
        Path example = project.resolve("src/main/java/io/exprun/example/ReadmeExample.java");
        Files.createDirectories(example.getParent());
        Files.copy(
                Path.of(System.getProperty("exprun.exampleSources"), "io/exprun/example/ReadmeExample.java"), example);
        Files.writeString(project.resolve("settings.xml"), """
                <settings>
                  <!-- not "exprun-staging", the id under which builds that deployed the staging repository cached
                       its snapshot metadata (maven-metadata-exprun-staging.xml, naming timestamped snapshots) in
                       local repositories that serve here as the tail: this repository has no remote metadata -->
                  <mirrors>
                    <mirror>
                      <id>exprun-staged</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%1$s</url>
                    </mirror>
                  </mirrors>
                  <!-- between releases exprun is a -SNAPSHOT: a repository that allows snapshots (mirrored above) -->
                  <profiles>
                    <profile>
                      <id>exprun-snapshots</id>
                      <repositories>
                        <repository>
                          <id>exprun-snapshots</id>
                          <url>%1$s</url>
                          <snapshots><enabled>true</enabled></snapshots>
                        </repository>
                      </repositories>
                    </profile>
                  </profiles>
                  <activeProfiles>
                    <activeProfile>exprun-snapshots</activeProfile>
                  </activeProfiles>
                </settings>
                """.formatted(staging.toUri()), StandardCharsets.UTF_8);
        return project;
    }

    private static String maven() {
        Path mvn = Path.of(System.getProperty("exprun.mavenHome"), "bin", "mvn");
        assertThat(mvn).as("the Maven running this build").exists();
        return mvn.toString();
    }

    private static String tail(String output) {
        return output.length() > 6000 ? output.substring(output.length() - 6000) : output;
    }
}
