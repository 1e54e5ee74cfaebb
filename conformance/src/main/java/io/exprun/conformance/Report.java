package io.exprun.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of one conformance run, as every report renders it. */
record Report(
        String target,
        String specTitle,
        String specVersion,
        String specSource,
        boolean readOnly,
        String experimentId,
        List<CaseResult> cases,
        Coverage coverage,
        List<String> createdRuns,
        int cancelledAtEnd,
        List<String> createdExperiments,
        int deletedAtEnd) {

    /** 0 every check passed (skips allowed), 1 at least one failed. */
    int exitCode() {
        return cases.stream().anyMatch(CaseResult::failed) ? 1 : 0;
    }

    /** category → {passed, failed, skipped}, in the order the categories ran. */
    Map<String, int[]> byCategory() {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (CaseResult c : cases) {
            out.computeIfAbsent(c.category(), k -> new int[3])[c.outcome().ordinal()]++;
        }
        return out;
    }

    long count(CaseResult.Outcome outcome) {
        return cases.stream().filter(c -> c.outcome() == outcome).count();
    }
}
