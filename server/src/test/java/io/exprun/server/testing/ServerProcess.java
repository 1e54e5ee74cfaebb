package io.exprun.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * exprun as a separate JVM (the real {@code Main}, configured by EXPRUN_* variables), so tests can kill -9 it and run
 * two instances against one database.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^ ]+/)");

    private final Process process;
    private final URI baseUri;
    private final List<String> output;

    private ServerProcess(Process process, URI baseUri, List<String> output) {
        this.process = process;
        this.baseUri = baseUri;
        this.output = output;
    }

    /** Starts {@code io.exprun.server.Main} on a free port with these EXPRUN_* settings; waits until it listens. */
    public static ServerProcess start(Map<String, String> env, Path workDir) {
        return start(env, workDir, List.of());
    }

    /** As {@link #start(Map, Path)}, with extra JVM options (e.g. {@code -Dlogback.configurationFile=logback.xml}). */
    public static ServerProcess start(Map<String, String> env, Path workDir, List<String> jvmOptions) {
        return start(env, workDir, jvmOptions, true);
    }

    /**
     * As {@link #start(Map, Path)} with EXPRUN_API_KEYS unset (not merely empty, which is refused), so that the
     * server uses its development key.
     */
    public static ServerProcess startWithoutApiKeys(Map<String, String> env, Path workDir) {
        return start(env, workDir, List.of(), false, List.of());
    }

    /**
     * As {@link #start(Map, Path)}, the JVM's command line appended to {@code launcher} (e.g. {@code unshare -m sh -c
     * 'mount … && exec "$@"'}, for a server on a file system of its own).
     */
    public static ServerProcess startUnder(List<String> launcher, Map<String, String> env, Path workDir) {
        return start(env, workDir, List.of(), true, launcher);
    }

    private static ServerProcess start(
            Map<String, String> env, Path workDir, List<String> jvmOptions, boolean testKeys) {
        return start(env, workDir, jvmOptions, testKeys, List.of());
    }

    private static ServerProcess start(
            Map<String, String> env, Path workDir, List<String> jvmOptions, boolean testKeys, List<String> launcher) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "io.exprun.server.Main"));
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("EXPRUN_PORT", "0");
        if (testKeys) {
            pb.environment().putIfAbsent("EXPRUN_API_KEYS", RunFixtures.KEY_A + ":" + RunFixtures.TENANT_A);
        } else {
            pb.environment().remove("EXPRUN_API_KEYS");
        }
        try {
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<URI> listening = new CompletableFuture<>();
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(
                    () -> {
                        try {
                            String line;
                            while ((line = out.readLine()) != null) {
                                synchronized (lines) {
                                    lines.add(line);
                                }
                                Matcher m = LISTENING.matcher(line);
                                if (m.find()) {
                                    listening.complete(URI.create(m.group(1)));
                                }
                            }
                        } catch (IOException ignored) {
                            // the process is gone
                        }
                        listening.completeExceptionally(new IllegalStateException("exited before listening: " + lines));
                    },
                    "server-process-output");
            reader.setDaemon(true);
            reader.start();
            // generous: a start takes ~5 s here, and over a minute at a load average of 20 (a fresh-clone CI beside
            // other
            // builds); only a server that never starts waits this out
            URI uri;
            try {
                uri = listening.get(180, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
                synchronized (lines) {
                    throw new IllegalStateException(
                            "server process not listening after 180 s; it printed: " + lines, e);
                }
            }
            return new ServerProcess(p, uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("server process did not start", e);
        }
    }

    /** Whether this machine lets the tests mount a small tmpfs in a private mount namespace (root and unshare(1)). */
    public static boolean canMountTmpfs() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(
                            "unshare", "-m", "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs \"$d\"")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI baseUri() {
        return baseUri;
    }

    /** The server's process id (the JVM's: a launcher that {@code exec}s it keeps its pid). */
    public long pid() {
        return process.pid();
    }

    /** Every line the process has printed so far (stdout and stderr). */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** SIGKILL: no shutdown hook, no graceful anything. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    /** How a start that ended by itself went: its exit status and every line it printed (stdout and stderr). */
    public record Exited(int status, List<String> lines) {
        /** True when a line looks like part of a Java stack trace. */
        public boolean hasStackTrace() {
            return lines.stream()
                    .anyMatch(l -> l.matches("\\s+at [\\w$.]+\\(.*")
                            || l.startsWith("Caused by")
                            || l.contains("Exception in thread"));
        }
    }

    /**
     * Runs {@code Main} with exactly these EXPRUN_* settings (EXPRUN_PORT defaults to 0, no API keys are added) and the
     * production logging configuration, and waits for it to exit by itself: for starts that must fail.
     *
     * @param launcher words put before {@code java}, e.g. {@code setpriv …} to drop privileges; may be empty
     */
    public static Exited runUntilExit(Map<String, String> env, Path workDir, List<String> launcher) {
        return runUntilExit(env, workDir, launcher, List.of());
    }

    /** As {@link #runUntilExit(Map, Path, List)}, with these arguments to {@code Main} (an operator's command). */
    public static Exited runUntilExit(Map<String, String> env, Path workDir, List<String> launcher, List<String> args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                classpath,
                "io.exprun.server.Main"));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("EXPRUN_"));
        pb.environment().put("EXPRUN_PORT", "0");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            // read on another thread: a start that wrongly succeeds never closes its output, and must fail, not hang
            CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    return out.lines().toList(); // until the process closes its output: it exits
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("exprun did not exit within 60 s: " + lines.get(20, TimeUnit.SECONDS));
            }
            return new Exited(p.exitValue(), lines.get(20, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("exprun's output could not be read", e);
        }
    }
}
