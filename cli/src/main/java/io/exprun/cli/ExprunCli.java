package io.exprun.cli;

import io.exprun.client.ExprunClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code exprun runs list|get|create|cancel|results|wait}, {@code exprun experiments list|get|create|update|delete}
 * and {@code exprun conformance} (the conformance kit):
 * the experiment-runs API for people, as tables, or for scripts
 * with {@code --json}, which prints the API's answer exactly as the server sent it. The exit status says what kind of
 * failure happened (see {@link Exit}); {@link Failures} prints it.
 */
@Command(
        name = "exprun",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = ExprunCli.Version.class,
        description = "Manage experiments; create, inspect and cancel their runs.",
        subcommands = {RunsCommand.class, ExperimentsCommand.class, KitCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done",
            "1:the API said no (an HTTP error status: 401, 404, 409, 422, 429, 5xx, ...)",
            "2:bad usage (unknown option, invalid value, a --url that is not http(s)://host[:port])",
            "3:could not connect (no answer from --url: refused, unreachable, timed out)",
            "4:unexpected failure inside exprun (please report it)",
            "5:runs wait, runs create --wait: the run ended in error",
            "6:runs wait, runs create --wait: the run was cancelled",
            "7:runs wait, runs create --wait: the run had not ended when --timeout passed"
        },
        footerHeading = "%n",
        footer = "exprun conformance exits as the kit does: 0 passed, 1 a check failed, 2 misconfigured or "
                + "unreachable. With --json, stdout carries JSON in every case: the API's answer on success, the API's error body "
                + "(or {\"error\":\"usage|connection|internal\",\"message\":...}) on failure; a one-line explanation "
                + "goes to stderr.")
public final class ExprunCli implements Runnable {

    /** Exit statuses, one per kind of outcome; scripts branch on them. */
    static final class Exit {
        static final int OK = 0;
        static final int API_REFUSED = 1;
        static final int USAGE = 2;
        static final int NO_CONNECTION = 3;
        static final int INTERNAL = 4;
        /** {@code runs wait}, {@code runs create --wait}: the run ended in error. */
        static final int RUN_FAILED = 5;
        /** … the run was cancelled. */
        static final int RUN_CANCELLED = 6;
        /** … the run was still pending, queued or running when the timeout passed. */
        static final int RUN_TIMED_OUT = 7;

        private Exit() {}
    }

    @Option(
            names = "--url",
            paramLabel = "URL",
            scope = CommandLine.ScopeType.INHERIT,
            converter = HttpUrl.class,
            defaultValue = "${env:EXPRUN_BASE_URL:-http://127.0.0.1:8080}",
            description = "Base URL of the exprun server, e.g. http://127.0.0.1:8080 (default: $EXPRUN_BASE_URL, "
                    + "else ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:EXPRUN_API_KEY}",
            description = "API key (default: $EXPRUN_API_KEY)")
    String apiKey;

    @Option(
            names = "--json",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print the API's JSON exactly as the server sent it")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final WireTap wire = new WireTap();
    private ExprunClient client;

    ExprunClient client() {
        if (client == null) {
            client = ExprunClient.builder()
                    .baseUrl(url.toString())
                    .apiKey(apiKey)
                    .httpClient(wire.builder())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        }
        return client;
    }

    WireTap wire() {
        return wire;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: try 'exprun runs list' or 'exprun experiments list'");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        ExprunCli root = new ExprunCli();
        CommandLine cli = new CommandLine(root);
        Failures failures = new Failures(root);
        cli.setParameterExceptionHandler(
                (e, args) -> failures.usage(e, Arrays.asList(args).contains("--json")));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failures.execution(e, cmd));
        return cli;
    }

    /** Accepts only absolute http(s) URLs with a host, so {@code 127.0.0.1:8080} fails here, not as a stack trace. */
    static final class HttpUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            String hint = "'" + value + "' is not a URL of the form http://host[:port]";
            URI uri;
            try {
                uri = new URI(value.trim());
            } catch (URISyntaxException e) {
                throw new CommandLine.TypeConversionException(hint + suggestion(value));
            }
            String scheme = uri.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new CommandLine.TypeConversionException(hint + suggestion(value));
            }
            return uri;
        }

        private static String suggestion(String value) {
            return value.contains("://") ? "" : "; did you mean http://" + value.trim() + " ?";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ExprunCli.class.getPackage().getImplementationVersion();
            return new String[] {"exprun " + (v == null ? "dev" : v)};
        }
    }
}
