package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cursor paging of both lists, in ascending order (so runs created meanwhile append at the end and cannot disturb
 * the walk): walking {@code after} visits each item once and agrees with one big page, only the last page has
 * {@code after: null}; walking {@code before} back from the last page gives the same pages in reverse and ends on a
 * page with {@code before: null}. Read-only.
 */
final class PagingChecks {

    private static final int MAX_PAGES = 50;

    private PagingChecks() {}

    static void run(Session s, String runWithResults) {
        String runs = Target.RUNS + "?order=asc"
                + (s.experimentId == null ? "" : "&experiment_id=" + Session.enc(s.experimentId));
        walk(s, "list_experiment_runs", runs, "runs");
        if (runWithResults == null) {
            s.cases.record(new CaseResult(
                    "paging",
                    "list_experiment_results: walking after and before",
                    CaseResult.Outcome.SKIPPED,
                    "no run with results to page through",
                    0));
        } else {
            walk(
                    s,
                    "list_experiment_results",
                    Target.RESULTS + "?order=asc&run_id=" + Session.enc(runWithResults),
                    "results");
        }
    }

    private static void walk(Session s, String operation, String list, String items) {
        List<List<String>> forward = new ArrayList<>();
        s.cases.run(
                "paging",
                operation + ": walking after visits each of the " + items + " once; the last page has after: null",
                () -> {
                    Target.Exchange reference = s.target.get(list + "&limit=100", s.main);
                    Cases.expect(reference.status() == 200, "the reference page failed: %s", reference);
                    List<String> all = Session.ids(reference.json());
                    boolean complete =
                            reference.json().at("/list_metadata/after").isNull();
                    int size = complete ? Math.max(1, (all.size() + 3) / 4) : 100;
                    List<String> seen = new ArrayList<>();
                    Set<String> unique = new HashSet<>();
                    String after = null;
                    do {
                        Cases.expect(
                                forward.size() < MAX_PAGES || !complete, "more than %d pages of %d", MAX_PAGES, size);
                        if (forward.size() >= MAX_PAGES) {
                            throw Cases.skip("more than " + MAX_PAGES * size + " " + items + ": not walked to the end");
                        }
                        Target.Exchange page = s.target.get(
                                list + "&limit=" + size + (after == null ? "" : "&after=" + Session.enc(after)),
                                s.main);
                        Cases.expect(page.status() == 200, "a page failed: %s", page);
                        List<String> ids = Session.ids(page.json());
                        Cases.expect(ids.size() <= size, "a page of limit %d has %d items", size, ids.size());
                        for (String id : ids) {
                            Cases.expect(
                                    unique.add(id),
                                    "%s seen twice while walking after (page %d)",
                                    id,
                                    forward.size() + 1);
                        }
                        seen.addAll(ids);
                        forward.add(ids);
                        JsonNode next = page.json().at("/list_metadata/after");
                        Cases.expect(next.isNull() || !ids.isEmpty(), "an empty page with after: %s", next);
                        after = next.isNull() || next.isMissingNode() ? null : next.asText();
                    } while (after != null);
                    Cases.expect(
                            seen.size() >= all.size()
                                    && seen.subList(0, all.size()).equals(all),
                            "walking after gave %s, one page of 100 gave %s",
                            seen,
                            all);
                });
        s.cases.run(
                "paging", operation + ": walking before from the last page returns the same pages in reverse", () -> {
                    if (forward.size() < 2) {
                        throw Cases.skip(
                                forward.isEmpty() ? "the forward walk failed" : "a single page: nothing to walk back");
                    }
                    int size = Math.max(1, forward.get(0).size());
                    Target.Exchange last = s.target.get(
                            list + "&limit=" + size + "&after="
                                    + Session.enc(forward.get(forward.size() - 2)
                                            .get(forward.get(forward.size() - 2).size() - 1)),
                            s.main);
                    Cases.expect(
                            last.status() == 200 && Session.ids(last.json()).equals(forward.get(forward.size() - 1)),
                            "the last page again: %s",
                            last);
                    JsonNode before = last.json().at("/list_metadata/before");
                    for (int i = forward.size() - 2; i >= 0; i--) {
                        Cases.expect(before.isTextual(), "page %d has before: %s, expected a cursor", i + 2, before);
                        Target.Exchange page = s.target.get(
                                list + "&limit=" + size + "&before=" + Session.enc(before.asText()), s.main);
                        Cases.expect(page.status() == 200, "a page failed: %s", page);
                        Cases.expect(
                                Session.ids(page.json()).equals(forward.get(i)),
                                "walking back, page %d is %s; walking forward it was %s",
                                i + 1,
                                Session.ids(page.json()),
                                forward.get(i));
                        before = page.json().at("/list_metadata/before");
                    }
                    Cases.expect(before.isNull(), "the first page, reached walking back, has before: %s", before);
                });
    }
}
