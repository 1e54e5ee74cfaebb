package io.exprun.conformance;

import io.exprun.contract.SpecConformance;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar exprun-conformance.jar --base-url URL --api-key KEY …}: checks one deployment against the contract.
 * Exit 0 every check passed, 1 a check failed, 2 misconfigured or unreachable (nothing was judged). There is no
 * default target: without {@code --base-url} (or EXPRUN_BASE_URL) it stops with the usage, never tests anything else.
 */
@Command(
        name = "exprun-conformance",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = ConformanceCommand.Version.class,
        description = "Checks a deployment of the exprun experiment-runs API against its OpenAPI contract.",
        footer = {
            "",
            "Exit status: 0 every check passed, 1 a check failed, 2 misconfigured or target unreachable.",
            "Writes (unless --read-only): creates up to --max-runs runs of the experiment and cancels every one "
                    + "still active at the end; creates experiments (duplicates of it) and deletes them."
        })
public final class ConformanceCommand implements Callable<Integer> {

    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int UNUSABLE = 2;

    @Option(
            names = "--base-url",
            paramLabel = "URL",
            description = "The deployment, e.g. https://exprun.example.internal (env EXPRUN_BASE_URL when absent).")
    String baseUrl;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "A key of the tenant to test with (env EXPRUN_API_KEY when absent).")
    String apiKey;

    @Option(
            names = "--other-tenant-key",
            paramLabel = "KEY2",
            description = "A key of another tenant: checks it sees and changes nothing of the first tenant's.")
    String otherTenantKey;

    @Option(
            names = "--experiment-id",
            paramLabel = "ID",
            description = "The experiment to create runs of, and to duplicate for the experiments checks (default: "
                    + "the experiment of the newest existing run).")
    String experimentId;

    @Option(
            names = "--read-only",
            description = "Only checks that need no writes: auth, bad queries, paging, existing runs, results and "
                    + "experiments.")
    boolean readOnly;

    @Option(
            names = "--spec",
            paramLabel = "FILE|URL",
            description = "The OpenAPI document to check against (default: the one bundled, io.exprun:exprun-openapi).")
    String spec;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Write a JUnit XML report here.")
    Path junitXml;

    @Option(names = "--json", paramLabel = "FILE", description = "Write a JSON report here.")
    Path json;

    @Option(
            names = "--max-runs",
            paramLabel = "N",
            defaultValue = "4",
            description = "At most this many runs are created (default: ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(
            names = "--min-coverage",
            paramLabel = "PERCENT",
            description =
                    "Fail (exit 1) when less than PERCENT of the spec's operation × status × lifecycle variant "
                            + "combinations were answered; the reports list the missing ones (default: coverage is reported only).")
    Double minCoverage;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How long to wait for an answer, and for a run to finish by itself: 30s, 500ms, 2m, PT1M (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private Map<String, String> env = System.getenv();
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), System.out, System.err));
    }

    /** Runs the command as {@code main} would, with the given environment and streams; returns the exit status. */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        ConformanceCommand command = new ConformanceCommand();
        command.env = env;
        command.out = out;
        command.err = err;
        CommandLine cli = new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExitCodeExceptionMapper(e -> UNUSABLE)
                .setParameterExceptionHandler((e, a) -> {
                    err.println("exprun-conformance: " + e.getMessage());
                    e.getCommandLine().usage(err);
                    return UNUSABLE;
                });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        String url = firstOf(baseUrl, env.get("EXPRUN_BASE_URL"));
        String key = firstOf(apiKey, env.get("EXPRUN_API_KEY"));
        if (url == null || key == null) {
            err.println("exprun-conformance: no target: give --base-url URL and --api-key KEY "
                    + "(or set EXPRUN_BASE_URL and EXPRUN_API_KEY); nothing else is ever tested");
            new CommandLine(this).usage(err);
            return UNUSABLE;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
            err.println("exprun-conformance: --base-url must be an http(s) URL, got '" + url + "'");
            return UNUSABLE;
        }
        if (maxRuns < 0 || timeout.isNegative() || timeout.isZero()) {
            err.println("exprun-conformance: --max-runs must be 0 or more and --timeout positive");
            return UNUSABLE;
        }
        if (minCoverage != null && (minCoverage < 0 || minCoverage > 100 || minCoverage.isNaN())) {
            err.println("exprun-conformance: --min-coverage must be a percentage from 0 to 100, got " + minCoverage);
            return UNUSABLE;
        }
        SpecConformance contract;
        String source;
        try {
            source = spec == null ? "bundled " + SpecConformance.BUNDLED : spec;
            contract = SpecConformance.of(spec == null ? SpecConformance.bundledSpecText() : readSpec(spec));
        } catch (RuntimeException | IOException e) {
            err.println("exprun-conformance: cannot load the spec " + spec + ": " + e.getMessage());
            return UNUSABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNUSABLE;
        }
        Target target = new Target(url, timeout);
        out.printf(
                "exprun-conformance: target %s · spec %s %s (%s) · %s%n",
                target.baseUrl(),
                contract.spec().at("/info/title").asText(),
                contract.spec().at("/info/version").asText(),
                source,
                readOnly
                        ? "read-only: no writes are made"
                        : "WRITES: creates up to " + maxRuns + " run(s) and cancels those still active at the end, "
                                + "and experiments, deleted at the end");
        Session session = null;
        try {
            Target.Key main = new Target.Key("the key", key);
            Target.Exchange probe = target.get(Target.RUNS + "?limit=1", main);
            if (probe.status() == 401) {
                err.println("exprun-conformance: " + target.baseUrl() + " refused the API key (401): check --api-key");
                return UNUSABLE;
            }
            if (probe.status() == 404 && probe.errorCode().isEmpty()) {
                err.println("exprun-conformance: no exprun API at " + target.baseUrl() + " (GET " + Target.RUNS
                        + " → 404): check --base-url");
                return UNUSABLE;
            }
            String experiment = experimentId;
            if (experiment == null) {
                experiment = probe.json().at("/data/0/experiment_id").asText(null);
                if (experiment == null && !readOnly) {
                    err.println(
                            "exprun-conformance: no existing run to take an experiment from: pass --experiment-id ID "
                                    + "(an experiment of this deployment), or --read-only");
                    return UNUSABLE;
                }
            }
            out.println("  experiment: " + (experiment == null ? "-" : experiment)
                    + (experimentId == null && experiment != null
                            ? " (of the newest run; --experiment-id to choose)"
                            : "")
                    + " · other tenant: " + (otherTenantKey == null ? "not checked (--other-tenant-key)" : "checked"));
            session = new Session(
                    target,
                    new SpecJudge(contract),
                    new Cases(c -> ConsoleReport.progress(out, c)),
                    main,
                    otherTenantKey == null ? null : new Target.Key("the other tenant's key", otherTenantKey),
                    readOnly,
                    maxRuns,
                    experiment);
            Report report = ConformanceRun.execute(session, source, out, minCoverage);
            ConsoleReport.summary(out, report);
            if (junitXml != null) {
                FileReports.junitXml(report, junitXml);
                out.println("JUnit XML: " + junitXml.toAbsolutePath());
            }
            if (json != null) {
                FileReports.json(report, json);
                out.println("JSON: " + json.toAbsolutePath());
            }
            return report.exitCode() == 0 ? PASSED : FAILED;
        } catch (Target.Unreachable e) {
            err.println("exprun-conformance: cannot reach " + target.baseUrl() + ": " + e.getMessage()
                    + (session == null || session.createdRuns().isEmpty()
                            ? ""
                            : "; nothing judged, and these runs it created may still be active: "
                                    + session.createdRuns()));
            return UNUSABLE;
        } catch (IOException e) {
            err.println("exprun-conformance: cannot write a report: " + e.getMessage());
            return UNUSABLE;
        }
    }

    private String readSpec(String location) throws IOException, InterruptedException {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(location))
                                    .timeout(timeout)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + location + " → " + r.statusCode());
            }
            return r.body();
        }
        return Files.readString(Path.of(location));
    }

    private static String firstOf(String flag, String fallback) {
        String v = flag != null && !flag.isBlank() ? flag : fallback;
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The kit's version (from the jar's manifest) and the version of the spec it bundles. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String kit = ConformanceCommand.class.getPackage().getImplementationVersion();
            String spec = SpecConformance.of(SpecConformance.bundledSpecText())
                    .spec()
                    .at("/info/version")
                    .asText();
            return new String[] {
                "exprun-conformance " + (kit == null ? "(development build)" : kit) + ", bundled spec " + spec
            };
        }
    }

    /** 30s, 500ms, 2m, 1h, a bare number of seconds, or ISO-8601 (PT30S). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(v);
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (30s, 500ms, 2m, PT1M)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
