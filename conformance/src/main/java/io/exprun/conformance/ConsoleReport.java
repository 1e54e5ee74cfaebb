package io.exprun.conformance;

import java.io.PrintStream;
import java.util.Map;

/** The console: one line per failed or skipped check as it happens, then the coverage table and the summary. */
final class ConsoleReport {

    private ConsoleReport() {}

    static void progress(PrintStream out, CaseResult c) {
        if (c.outcome() != CaseResult.Outcome.PASSED) {
            out.printf(
                    "  %-4s [%s] %s%n",
                    c.outcome() == CaseResult.Outcome.FAILED ? "FAIL" : "skip", c.category(), c.name());
            out.printf("         %s%n", c.message());
        }
    }

    static void summary(PrintStream out, Report r) {
        out.println();
        out.println("Coverage (operation × declared status × lifecycle variant seen):");
        out.printf("  %-26s %-6s %7s  %s%n", "operation", "status", "answers", "lifecycle variants");
        String previous = "";
        for (Coverage.Row row : r.coverage().rows()) {
            String variants =
                    row.variantsDeclared().isEmpty() && row.variantsSeen().isEmpty()
                            ? ""
                            : "seen: " + (row.variantsSeen().isEmpty() ? "-" : String.join(" ", row.variantsSeen()))
                                    + (row.variantsNotSeen().isEmpty()
                                            ? ""
                                            : " · not seen: " + String.join(" ", row.variantsNotSeen()));
            String status = row.status() + (row.declared() ? "" : "!");
            out.printf(
                    "  %-26s %-6s %7s  %s%n",
                    row.operationId().equals(previous) ? "" : row.operationId(),
                    status,
                    row.answers() == 0 ? "-" : Integer.toString(row.answers()),
                    variants);
            previous = row.operationId();
        }
        out.printf(
                "  %d of %d declared (operation, status) pairs answered%s%n",
                r.coverage().declaredCovered(),
                r.coverage().declaredTotal(),
                r.coverage().rows().stream().anyMatch(x -> !x.declared())
                        ? "; '!' marks a status the spec does not declare"
                        : "");
        long units = r.coverage().units().size();
        out.printf(
                java.util.Locale.ROOT,
                "  %d of %d operation × status × lifecycle variant combinations answered "
                        + "(%.1f%%; --min-coverage makes this a check)%n",
                r.coverage().units().stream().filter(Coverage.Unit::covered).count(),
                units,
                r.coverage().percent());
        out.println();
        out.println("Checks:");
        for (Map.Entry<String, int[]> e : r.byCategory().entrySet()) {
            int[] n = e.getValue();
            out.printf("  %-9s %3d passed, %d failed, %d skipped%n", e.getKey(), n[0], n[1], n[2]);
        }
        out.printf(
                "  %-9s %3d passed, %d failed, %d skipped%n",
                "total",
                r.count(CaseResult.Outcome.PASSED),
                r.count(CaseResult.Outcome.FAILED),
                r.count(CaseResult.Outcome.SKIPPED));
        if (!r.readOnly()) {
            out.printf(
                    "Side effects: created %d run(s) of %s%s; cancelled %d still active at the end%n",
                    r.createdRuns().size(),
                    r.experimentId(),
                    r.createdRuns().isEmpty() ? "" : " " + r.createdRuns(),
                    r.cancelledAtEnd());
            out.printf(
                    "Side effects: created %d experiment(s)%s; deleted %d still there at the end%n",
                    r.createdExperiments().size(),
                    r.createdExperiments().isEmpty() ? "" : " " + r.createdExperiments(),
                    r.deletedAtEnd());
        }
        out.println(
                r.exitCode() == 0
                        ? "PASSED: " + r.target() + " conforms to " + r.specTitle() + " " + r.specVersion()
                        : "FAILED: " + r.count(CaseResult.Outcome.FAILED) + " check(s) failed against " + r.target());
    }
}
