package io.exprun.server.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.PrintStream;

/**
 * What a test does when a program it needs from the machine is missing: under CI=true it fails, because a CI that
 * skipped it would pass without having checked anything; elsewhere it is skipped with a {@code [SKIPPED]} line on the
 * console saying what to install, so a developer sees what did not run.
 */
public final class Prerequisites {

    private Prerequisites() {}

    /** @param ciVariable the value of CI; {@code why} names the test, what is missing and how to install it */
    public static void missing(String ciVariable, String why, PrintStream console) {
        if ("true".equalsIgnoreCase(ciVariable)) {
            fail(why + " [CI=true: failing instead of skipping]");
        }
        console.println("[SKIPPED] " + why);
        abort(why);
    }
}
