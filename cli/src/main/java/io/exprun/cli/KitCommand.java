package io.exprun.cli;

import io.exprun.conformance.ConformanceCommand;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code exprun conformance [KIT OPTIONS]}: the conformance kit (io.exprun:exprun-conformance) run from the CLI a team
 * already installed, against {@code --url} with {@code --api-key} unless the kit's own {@code --base-url} and
 * {@code --api-key} are given; every other option is the kit's ({@code --other-tenant-key}, {@code --junit-xml},
 * {@code --read-only}, …: {@code exprun conformance --kit-help}). Exits as the kit does: 0 passed, 1 a check failed,
 * 2 misconfigured or unreachable.
 */
@Command(
        name = "conformance",
        description = "Check a deployment against the contract with the conformance kit; its options (e.g. "
                + "--other-tenant-key, --junit-xml, --read-only) are passed on: exprun conformance --kit-help lists "
                + "them. Exit 0 every check passed, 1 a check failed, 2 misconfigured or unreachable.",
        mixinStandardHelpOptions = false)
final class KitCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    ExprunCli root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> kitOptions = new ArrayList<>();

    @Override
    public Integer call() {
        // the kit has no default target: the CLI's own default URL is not passed on, only a --url given (the kit
        // reads EXPRUN_BASE_URL and EXPRUN_API_KEY itself)
        List<String> args = new ArrayList<>();
        if (!kitOptions.contains("--base-url") && given("--url")) {
            args.addAll(List.of("--base-url", root.url.toString()));
        }
        if (!kitOptions.contains("--api-key") && given("--api-key") && root.apiKey != null) {
            args.addAll(List.of("--api-key", root.apiKey));
        }
        kitOptions.forEach(o -> args.add(o.equals("--kit-help") ? "--help" : o));
        Map<String, String> env = new HashMap<>(System.getenv());
        PrintStream out = new PrintStream(new WriterStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new WriterStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
        return ConformanceCommand.execute(args.toArray(String[]::new), env, out, err);
    }

    private boolean given(String option) {
        for (CommandLine.ParseResult r = spec.commandLine().getParseResult(); r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(option)) {
                return true;
            }
        }
        CommandLine.ParseResult top = root.spec.commandLine().getParseResult();
        return top != null && top.hasMatchedOption(option);
    }

    /** The kit prints to streams, picocli gives writers: bytes decoded as UTF-8, flushed with each write. */
    private static final class WriterStream extends java.io.OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void flush() {
            writer.write(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
            writer.flush();
        }
    }
}
