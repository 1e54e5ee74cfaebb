package io.exprun.conformance;

import io.exprun.conformance.generated.rules.LifecycleStatus;
import io.exprun.contract.SpecConformance;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conformance run against a reachable target, in this order: auth, spec-derived bad input, the cancel state
 * machine with tenant isolation (read-only: tenant isolation on an existing run instead), existing data, the
 * experiments resource (read-only: reads only), the validators and the wait (contract 0.3.0), paging; then the clean-up of the runs and experiments it created,
 * then every answer of every exchange judged against the spec (one check per operation × status).
 */
final class ConformanceRun {

    private ConformanceRun() {}

    /** @param minCoverage with a value, a failed check when less of {@link Coverage#units()} was covered (percent) */
    static Report execute(Session s, String specSource, PrintStream out, Double minCoverage) {
        List<String> created;
        int cancelledAtEnd;
        List<String> createdExperiments;
        int deletedAtEnd;
        try {
            AuthChecks.run(s);
            NegativeChecks.run(s);
            String withResults;
            if (s.readOnly) {
                withResults = ExistingDataChecks.run(s);
                TenancyChecks.run(s, withResults);
                s.cases.record(new CaseResult(
                        "cancel",
                        "the cancel state machine",
                        CaseResult.Outcome.SKIPPED,
                        "--read-only: it creates and cancels runs",
                        0));
            } else {
                withResults = LifecycleChecks.run(s);
                ExistingDataChecks.run(s);
            }
            ExperimentChecks.run(s);
            ValidatorAndWaitChecks.run(s, withResults);
            PagingChecks.run(s, withResults);
        } finally {
            cancelledAtEnd = s.readOnly ? 0 : s.cleanUp();
            created = s.createdRuns();
            deletedAtEnd = s.readOnly ? 0 : s.deleteExperiments();
            createdExperiments = s.createdExperiments();
        }
        List<Target.Exchange> exchanges = s.target.exchanges();
        List<SpecJudge.Judgement> judgements =
                exchanges.stream().map(s.judge::judge).toList();
        judgeSchemas(s, exchanges, judgements);
        judgeVariants(s, exchanges, judgements);
        Coverage coverage = Coverage.of(s.judge, exchanges, judgements);
        if (minCoverage != null) {
            judgeCoverage(s, coverage, minCoverage);
        }
        SpecConformance spec = s.judge.spec();
        return new Report(
                s.target.baseUrl(),
                spec.spec().at("/info/title").asText(),
                spec.spec().at("/info/version").asText(),
                specSource,
                s.readOnly,
                s.experimentId,
                s.cases.results(),
                coverage,
                created,
                cancelledAtEnd,
                createdExperiments,
                deletedAtEnd);
    }

    /** --min-coverage: one check, failed below the threshold, naming every operation × status × variant not seen. */
    private static void judgeCoverage(Session s, Coverage coverage, double min) {
        List<Coverage.Unit> units = coverage.units();
        List<String> missing = units.stream()
                .filter(u -> !u.covered())
                .map(Coverage.Unit::name)
                .toList();
        String measured = String.format(
                java.util.Locale.ROOT,
                "%d of %d (%.1f%%) operation × status × lifecycle " + "variant answered",
                units.size() - missing.size(),
                units.size(),
                coverage.percent());
        boolean enough = coverage.percent() >= min;
        s.cases.record(new CaseResult(
                "coverage",
                String.format(java.util.Locale.ROOT, "operation × status × lifecycle variant coverage ≥ %.1f%%", min),
                enough ? CaseResult.Outcome.PASSED : CaseResult.Outcome.FAILED,
                measured
                        + (missing.isEmpty()
                                ? ""
                                : (enough ? "; not answered: " : "; missing: ") + String.join(", ", missing)),
                0));
    }

    /**
     * The lifecycle unions variant by variant: one check per declared variant of every discriminated union, passed
     * when every value carrying it conforms to that variant's own schema, skipped when no answer carried it.
     */
    private static void judgeVariants(
            Session s, List<Target.Exchange> exchanges, List<SpecJudge.Judgement> judgements) {
        Map<SpecJudge.Variant, String> declared =
                new java.util.TreeMap<>(java.util.Comparator.comparing((SpecJudge.Variant v) -> v.union())
                        .thenComparing(v -> ORDER.indexOf(v.value()))
                        .thenComparing(SpecJudge.Variant::value));
        for (SpecConformance.Operation op : s.judge.spec().operations()) {
            for (String status : op.declaredStatuses()) {
                s.judge.declaredVariants(op, status).forEach(v -> declared.put(v, ""));
            }
        }
        declared.keySet().forEach(variant -> {
            int seen = 0;
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < exchanges.size(); i++) {
                for (SpecJudge.VariantSeen v : judgements.get(i).variants()) {
                    if (v.variant().equals(variant)) {
                        seen++;
                        if (!v.violations().isEmpty() && problems.size() < 5) {
                            problems.add(
                                    v.at() + ": " + String.join("; ", v.violations()) + "\n    in " + exchanges.get(i));
                        }
                    }
                }
            }
            String name = variant.union() + " '" + variant.value()
                    + "': every value carrying it conforms to its variant schema";
            s.cases.record(new CaseResult(
                    "lifecycle",
                    name,
                    seen == 0
                            ? CaseResult.Outcome.SKIPPED
                            : problems.isEmpty() ? CaseResult.Outcome.PASSED : CaseResult.Outcome.FAILED,
                    seen == 0
                            ? "no answer carried this variant"
                            : problems.isEmpty() ? seen + " values" : String.join("\n", problems),
                    0));
        });
    }

    /** The statuses in the spec's order. */
    private static final List<String> ORDER =
            Arrays.stream(LifecycleStatus.values()).map(LifecycleStatus::wire).toList();

    /** One check per operation × status answered: every such answer conforms to what the spec declares there. */
    private static void judgeSchemas(Session s, List<Target.Exchange> exchanges, List<SpecJudge.Judgement> judgements) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (int i = 0; i < exchanges.size(); i++) {
            Target.Exchange e = exchanges.get(i);
            SpecJudge.Judgement j = judgements.get(i);
            String key = (j.operationId() == null ? e.method() + " " + e.path() : j.operationId()) + " → " + e.status();
            answers.merge(key, 1, Integer::sum);
            List<String> list = problems.computeIfAbsent(key, k -> new ArrayList<>());
            for (String v : j.violations()) {
                String kind = v.replaceAll("\\[\\d+]", "[*]").replaceAll("/\\d+(?=/|:|$)", "/*");
                if (list.size() < 6 && list.stream().noneMatch(p -> p.startsWith(kind))) {
                    list.add(kind + "\n    in " + e);
                }
            }
        }
        answers.forEach((key, n) -> {
            List<String> found = problems.get(key);
            s.cases.record(new CaseResult(
                    "schema",
                    key + " conforms to the spec (" + n + " answer" + (n == 1 ? "" : "s") + ")",
                    found.isEmpty() ? CaseResult.Outcome.PASSED : CaseResult.Outcome.FAILED,
                    found.isEmpty() ? null : String.join("\n", found),
                    0));
        });
    }
}
