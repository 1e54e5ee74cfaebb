package io.exprun.server.admin;

import io.exprun.server.config.StartupFailure;
import java.util.List;

/**
 * Why an operator's command did nothing, in the two lines a failed start prints ({@link StartupFailure}): the cause,
 * and the fix; with the same exit statuses (2 for a command or EXPRUN_* value exprun cannot use, 1 otherwise).
 */
public final class CommandFailure extends RuntimeException {

    private final String action;
    private final String fix;
    private final int exitStatus;

    CommandFailure(String action, String cause, String fix, int exitStatus, Throwable original) {
        super(cause, original);
        this.action = action;
        this.fix = fix;
        this.exitStatus = exitStatus;
    }

    static CommandFailure failed(String action, String cause, String fix, Throwable original) {
        return new CommandFailure(action, cause, fix, StartupFailure.EXIT_FAILED, original);
    }

    /** {@code exprun: cannot <action>: <cause>} and {@code   fix: <fix>}. */
    public List<String> lines() {
        return List.of("exprun: cannot " + action + ": " + getMessage(), "  fix: " + fix);
    }

    public int exitStatus() {
        return exitStatus;
    }
}
