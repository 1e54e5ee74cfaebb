package io.exprun.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the command line in-process, as {@code main} would, and captures what it printed and its exit status. */
record CliRun(int exit, String out, String err) {

    static CliRun exprun(String... args) {
        CommandLine cli = ExprunCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** {@code exprun --url <server> --api-key <key> args…} */
    static CliRun against(URI server, String key, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", server.toString(), "--api-key", key));
        all.addAll(List.of(args));
        return exprun(all.toArray(String[]::new));
    }

    /** No line of a Java stack trace ("\tat io.…", "Caused by", "Exception in thread"). */
    boolean hasStackTrace() {
        String all = out + err;
        return all.contains("\tat ")
                || all.contains("Caused by")
                || all.contains("Exception in thread")
                || all.matches("(?s).*\\bat (io|java|picocli)\\..*");
    }
}
