package io.exprun.conformance;

/** One named check of a conformance run and how it ended; what the console, JUnit and JSON reports list. */
public record CaseResult(String category, String name, Outcome outcome, String message, long millis) {

    /** How a check ended. A skipped check could not be made (read-only mode, budget, nothing to observe). */
    public enum Outcome {
        PASSED,
        FAILED,
        SKIPPED
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
