package io.exprun.conformance;

import io.exprun.contract.SpecConformance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a conformance run exercised: for every operation × response status (declared ones, plus any undeclared one
 * the target answered), how many answers were seen and which lifecycle variants they carried, against the variants
 * the spec declares there.
 */
record Coverage(List<Row> rows) {

    /** One operation × status. {@code declared} false: the target answered a status the spec does not declare. */
    record Row(
            String operationId,
            String status,
            boolean declared,
            int answers,
            Set<String> variantsSeen,
            Set<String> variantsDeclared) {

        Set<String> variantsNotSeen() {
            Set<String> out = new TreeSet<>(variantsDeclared);
            out.removeAll(variantsSeen);
            return out;
        }
    }

    static Coverage of(SpecJudge judge, List<Target.Exchange> exchanges, List<SpecJudge.Judgement> judgements) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (SpecConformance.Operation op : judge.spec().operations()) {
            for (String status : op.declaredStatuses()) {
                Set<String> declared = new TreeSet<>();
                judge.declaredVariants(op, status).forEach(v -> declared.add(v.value()));
                rows.put(
                        op.operationId() + " " + status,
                        new Row(op.operationId(), status, true, 0, new TreeSet<>(), declared));
            }
        }
        for (int i = 0; i < exchanges.size(); i++) {
            SpecJudge.Judgement j = judgements.get(i);
            String op = j.operationId() != null
                    ? j.operationId()
                    : exchanges.get(i).method() + " " + exchanges.get(i).path() + " (not in the spec)";
            String status = Integer.toString(exchanges.get(i).status());
            Row row = rows.computeIfAbsent(
                    op + " " + status, k -> new Row(op, status, false, 0, new TreeSet<>(), Set.of()));
            row.variantsSeen()
                    .addAll(j.variants().stream().map(v -> v.variant().value()).toList());
            rows.put(
                    op + " " + status,
                    new Row(
                            row.operationId(),
                            status,
                            row.declared(),
                            row.answers() + 1,
                            row.variantsSeen(),
                            row.variantsDeclared()));
        }
        List<Row> ordered = new ArrayList<>(rows.values());
        return new Coverage(ordered);
    }

    /**
     * One thing {@code --min-coverage} counts: a declared operation × status, or, where the spec declares a lifecycle
     * union in that answer, each of its variants there (a 200 that carries the run's six variants counts six times).
     */
    record Unit(String name, boolean covered) {}

    List<Unit> units() {
        List<Unit> units = new ArrayList<>();
        for (Row r : rows) {
            if (!r.declared()) {
                continue;
            }
            if (r.variantsDeclared().isEmpty()) {
                units.add(new Unit(r.operationId() + " → " + r.status(), r.answers() > 0));
            } else {
                for (String v : r.variantsDeclared()) {
                    units.add(new Unit(
                            r.operationId() + " → " + r.status() + " " + v,
                            r.variantsSeen().contains(v)));
                }
            }
        }
        return units;
    }

    /** The share of {@link #units()} covered, in percent (100 when the spec declares nothing). */
    double percent() {
        List<Unit> units = units();
        return units.isEmpty()
                ? 100
                : 100.0 * units.stream().filter(Unit::covered).count() / units.size();
    }

    long declaredCovered() {
        return rows.stream().filter(r -> r.declared() && r.answers() > 0).count();
    }

    long declaredTotal() {
        return rows.stream().filter(Row::declared).count();
    }
}
