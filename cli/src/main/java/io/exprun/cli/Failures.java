package io.exprun.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.cli.ExprunCli.Exit;
import io.exprun.client.ExprunConflictException;
import io.exprun.client.ExprunConnectionException;
import io.exprun.client.ExprunException;
import io.exprun.client.ExprunValidationException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Every way a command can fail, told apart by exit status ({@link Exit}) and reported without a stack trace: one line
 * on stderr for people (plus the field errors of a 422), and under {@code --json} a JSON document on stdout for
 * scripts: the API's own error body when it sent one, else {@code {"error": <class>, "message": …}}.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExprunCli root;

    Failures(ExprunCli root) {
        this.root = root;
    }

    /** Bad usage: picocli could not parse the command line, or a command rejected its arguments. */
    int usage(CommandLine.ParameterException e, boolean json) {
        CommandLine cmd = e.getCommandLine();
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        cmd.getErr().println("exprun: " + e.getMessage() + " (see '" + help + "')");
        cmd.getErr().flush();
        if (json) {
            printJson(
                    cmd.getOut(), JSON.createObjectNode().put("error", "usage").put("message", e.getMessage()));
        }
        return Exit.USAGE;
    }

    /** A command failed while running. */
    int execution(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        boolean json = root.json;
        int exit;
        ObjectNode fallback;
        if (e instanceof ExprunConnectionException c) {
            String message = "could not connect to " + root.url + ": " + reason(c);
            err.println("exprun: " + message);
            fallback = JSON.createObjectNode()
                    .put("error", "connection")
                    .put("url", root.url.toString())
                    .put("message", message);
            exit = Exit.NO_CONNECTION;
        } else if (e instanceof ExprunException api) {
            err.println("exprun: " + summary(api));
            if (api instanceof ExprunValidationException v) {
                v.errors()
                        .forEach(f -> err.println(
                                "  " + f.loc().stream().map(String::valueOf).collect(Collectors.joining(".")) + ": "
                                        + f.msg()));
            }
            if (api instanceof ExprunConflictException c && c.hasActiveRun()) {
                c.runId().ifPresent(run -> err.println("  cancel it first: exprun runs cancel " + run));
            }
            fallback = JSON.createObjectNode()
                    .put("error", "api")
                    .put("status", api.status())
                    .put("message", summary(api));
            exit = Exit.API_REFUSED;
            if (json) {
                // the API's error body as sent, when there is one
                var sent = root.wire().last().filter(x -> x.status() == api.status() && isJson(x.body()));
                if (sent.isPresent()) {
                    err.flush();
                    Output.raw(cmd.getOut(), sent.get().bodyText());
                    return exit;
                }
            }
        } else {
            err.println("exprun: unexpected failure (a bug in exprun, please report it): " + e);
            fallback = JSON.createObjectNode().put("error", "internal").put("message", String.valueOf(e));
            exit = Exit.INTERNAL;
        }
        err.flush();
        if (json) {
            printJson(cmd.getOut(), fallback);
        }
        return exit;
    }

    /** {@code 404 run_not_found: Run x not found (request id …)}; the status first, as scripts and people read it. */
    private static String summary(ExprunException api) {
        StringBuilder s = new StringBuilder().append(api.status());
        api.code().ifPresent(c -> s.append(' ').append(c));
        if (api instanceof ExprunValidationException) {
            s.append(": the request broke the API's rules");
        } else {
            api.detailMessage().ifPresent(m -> s.append(": ").append(m));
        }
        api.requestId().ifPresent(id -> s.append(" (request id ").append(id).append(')'));
        return s.toString();
    }

    private static String reason(ExprunConnectionException c) {
        Throwable cause = c.getCause();
        if (c.isTimeout() || cause instanceof HttpTimeoutException) {
            return "no answer in time (" + cause.getMessage() + ")";
        }
        if (cause instanceof ConnectException) {
            return "connection refused (is the server running on that address?)";
        }
        if (cause instanceof UnknownHostException
                || (cause != null && cause.getCause() instanceof UnknownHostException)) {
            return "unknown host";
        }
        return cause == null ? String.valueOf(c.getMessage()) : cause.toString();
    }

    /** The API answers errors in JSON; a proxy's HTML error page in front of it is not passed off as the API's. */
    private static boolean isJson(byte[] body) {
        try {
            return body.length > 0 && JSON.readTree(body).isContainerNode();
        } catch (java.io.IOException notJson) {
            return false;
        }
    }

    private static void printJson(PrintWriter out, ObjectNode node) {
        Output.raw(out, node.toString());
    }
}
