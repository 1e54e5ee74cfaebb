package io.exprun.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The stub of one release, as released (its jar under released/maven), running in this JVM beside the others: its
 * classes and generated mappings come from its own jar (a class loader that looks there first for {@code
 * io.exprun.stub}), its run-time libraries (WireMock, the schema validator; the same versions every supported release
 * was built with) from this module's class path. Driven as a team's test drives it: started, switched between its
 * scenarios over its admin API ({@code POST /__admin/exprun/scenarios/NAME}, as with {@code java -jar}), stopped.
 */
final class ReleasedStub implements AutoCloseable {

    private static final String OWN = "io/exprun/stub/";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String version;
    private final Object server;
    private final URLClassLoader loader;
    private final List<String> scenarios;

    private ReleasedStub(String version, Object server, URLClassLoader loader, List<String> scenarios) {
        this.version = version;
        this.server = server;
        this.loader = loader;
        this.scenarios = scenarios;
    }

    /** The releases supported by this build (the root pom's {@code exprun.supported.releases}). */
    static List<String> supportedReleases() {
        return Arrays.stream(System.getProperty("exprun.supported.releases").split(","))
                .map(String::trim)
                .toList();
    }

    static Path jar(String version) {
        return Path.of(
                "..", "released", "maven", "io", "exprun", "exprun-stub", version, "exprun-stub-" + version + ".jar");
    }

    static ReleasedStub start(String version) {
        Path jar = jar(version);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    "no released stub " + jar.toAbsolutePath().normalize());
        }
        try {
            URLClassLoader loader = new OwnClassesFirst(jar.toUri().toURL(), ReleasedStub.class.getClassLoader());
            Class<?> stubServer = loader.loadClass("io.exprun.stub.ExprunStubServer");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Class<Enum> scenario = (Class<Enum>) loader.loadClass("io.exprun.stub.Scenario");
            if (stubServer.getClassLoader() != loader) {
                throw new IllegalStateException("the stub's classes did not come from " + jar);
            }
            @SuppressWarnings("unchecked")
            Object server = stubServer.getMethod("start", scenario).invoke(null, Enum.valueOf(scenario, "EXAMPLES"));
            List<String> names =
                    Arrays.stream(scenario.getEnumConstants()).map(Enum::name).toList();
            return new ReleasedStub(version, server, loader, names);
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("could not start the released stub " + version, e);
        }
    }

    String version() {
        return version;
    }

    String baseUrl() {
        return (String) call("baseUrl");
    }

    String apiKey() {
        return (String) call("apiKey");
    }

    /** Whether this release plays the scenario (an older one may not have it). */
    boolean plays(String scenario) {
        return scenarios.contains(scenario);
    }

    /** Switches to the scenario over the admin API, as a stub run with {@code java -jar} is switched. */
    void scenario(String name) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/__admin/exprun/scenarios/" + name))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("stub " + version + " refused scenario " + name + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Object call(String method) {
        try {
            Method m = server.getClass().getMethod(method);
            return m.invoke(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        call("close");
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Looks in the released jar first for the stub's own classes and resources; everything else as usual. */
    private static final class OwnClassesFirst extends URLClassLoader {
        OwnClassesFirst(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.exprun.stub.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            String path = name.startsWith("/") ? name.substring(1) : name;
            if (path.startsWith(OWN)) {
                URL own = findResource(path);
                if (own != null) {
                    return own;
                }
            }
            return super.getResource(name);
        }
    }
}
