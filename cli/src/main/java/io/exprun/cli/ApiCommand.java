package io.exprun.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What every API command ({@code exprun runs …}, {@code exprun experiments …}) shares: the root options, the output,
 * and printing the answer's bytes for {@code --json}.
 */
abstract class ApiCommand implements Callable<Integer> {

    /** A group of API commands ({@code runs}, {@code experiments}): it knows the root command. */
    interface Group {
        ExprunCli root();
    }

    @CommandLine.ParentCommand
    Group group;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ExprunCli root() {
        return group.root();
    }

    boolean json() {
        return root().json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * The body of the answer just received, byte for byte. Only if the last exchange is not the successful
     * {@code method} call (a retried cancel that read the run back) is {@code otherwise} written with the client's
     * mapper.
     */
    int printAnswer(String method, Object otherwise) throws Exception {
        var last = root().wire()
                .last()
                .filter(x -> x.method().equals(method) && x.status() / 100 == 2 && x.body().length > 0);
        if (last.isPresent()) {
            Output.raw(out(), last.get().bodyText());
        } else {
            Output.raw(out(), root().client().apiClient().getObjectMapper().writeValueAsString(otherwise));
        }
        return ExprunCli.Exit.OK;
    }

    void moreHint(String cursor) {
        if (cursor != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("more: add --after " + cursor);
            err.flush();
        }
    }
}
