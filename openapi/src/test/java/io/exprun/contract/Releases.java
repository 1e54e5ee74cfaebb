package io.exprun.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The contract as released: each version's spec, read from the {@code exprun-openapi} jar kept under
 * {@code released/maven} (see RELEASING.md). The latest release is the compatibility gate's baseline, and a released
 * version's spec never changes.
 */
record Releases(Path repository) {

    static final String SPEC_ENTRY = "io/exprun/openapi/experiment-runs.yaml";

    /** The release repository the build names ({@code exprun.released}), or the one beside this module. */
    static Releases fromBuild() {
        return new Releases(Path.of(System.getProperty("exprun.released", "../released/maven")));
    }

    record Release(String version, String spec) {}

    /** A spec's {@code info.version}. */
    static String infoVersion(String specText) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(
                            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(specText)
                    .path("info")
                    .path("version")
                    .asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> versions() {
        Path dir = repository.resolve("io/exprun/exprun-openapi");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted(Comparator.comparing(SemVer::parse))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Release release(String version) {
        Path jar = repository.resolve("io/exprun/exprun-openapi/" + version + "/exprun-openapi-" + version + ".jar");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry(SPEC_ENTRY);
            if (entry == null) {
                throw new IllegalStateException(jar + " holds no " + SPEC_ENTRY);
            }
            return new Release(version, new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(jar.toString(), e);
        }
    }

    Release latest() {
        List<String> versions = versions();
        if (versions.isEmpty()) {
            throw new IllegalStateException(
                    "no release under " + repository.toAbsolutePath().normalize());
        }
        return release(versions.get(versions.size() - 1));
    }

    /** X.Y.Z, compared numerically; a version with anything after Z is not one exprun releases. */
    record SemVer(int major, int minor, int patch) implements Comparable<SemVer> {

        static SemVer parse(String version) {
            String[] parts = version.split("\\.");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not X.Y.Z: " + version);
            }
            return new SemVer(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }

        /** Whether moving from {@code older} to this may break clients: a new major, or a new minor while 0.x. */
        boolean mayBreak(SemVer older) {
            return major > older.major || (major == 0 && older.major == 0 && minor > older.minor);
        }

        @Override
        public int compareTo(SemVer o) {
            return Comparator.comparingInt(SemVer::major)
                    .thenComparingInt(SemVer::minor)
                    .thenComparingInt(SemVer::patch)
                    .compare(this, o);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }
}
