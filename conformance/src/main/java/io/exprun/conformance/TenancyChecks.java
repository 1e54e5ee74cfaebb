package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.conformance.generated.rules.ErrorCode;
import io.exprun.conformance.generated.rules.LifecycleStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --other-tenant-key}: a run of the main key's tenant does not exist for the other tenant. Its get,
 * cancel, results and list see nothing (404 {@code run_not_found}, not {@code run_not_cancellable}, which would
 * confirm the id), and the run is unchanged afterwards. The cancel is sent only when writes are allowed.
 */
final class TenancyChecks {

    private static final String CATEGORY = "tenancy";

    private TenancyChecks() {}

    static void run(Session s, String runId) {
        String[] names = {
            "other tenant: get_experiment_run of the run → 404 run_not_found",
            "other tenant: list_experiment_runs does not show the run",
            "other tenant: list_experiment_results of the run is empty",
            "other tenant: get_experiment_result of one of its results → 404",
            "other tenant: cancel_experiment_run → 404 run_not_found and the run is unchanged"
        };
        if (s.other == null || runId == null) {
            String why = s.other == null ? "needs --other-tenant-key" : "no run of the main tenant to look for";
            for (String name : names) {
                s.cases.record(new CaseResult(CATEGORY, name, CaseResult.Outcome.SKIPPED, why, 0));
            }
            return;
        }
        Target.Exchange before = s.target.get(Target.RUNS + "/" + runId, s.main);
        List<JsonNode> results = LifecycleChecks.allResults(s, runId);
        s.cases.run(CATEGORY, names[0], () -> {
            Target.Exchange e = s.target.get(Target.RUNS + "/" + runId, s.other);
            Cases.expect(
                    e.status() == 404 && ErrorCode.RUN_NOT_FOUND.wire().equals(e.errorCode()),
                    "the other tenant can see the run: %s",
                    e);
        });
        s.cases.run(CATEGORY, names[1], () -> {
            List<String> seen = new ArrayList<>();
            String after = null;
            for (int page = 0; page < 20; page++) {
                Target.Exchange e = s.target.get(
                        Target.RUNS + "?limit=100" + (after == null ? "" : "&after=" + Session.enc(after)), s.other);
                Cases.expect(e.status() == 200, "the other tenant's list failed: %s", e);
                seen.addAll(Session.ids(e.json()));
                JsonNode next = e.json().at("/list_metadata/after");
                if (!next.isTextual()) {
                    break;
                }
                after = next.asText();
            }
            Cases.expect(!seen.contains(runId), "the other tenant's list shows %s", runId);
        });
        s.cases.run(CATEGORY, names[2], () -> {
            Target.Exchange e = s.target.get(Target.RESULTS + "?run_id=" + Session.enc(runId), s.other);
            Cases.expect(
                    e.status() == 200
                            && e.json().path("data").isArray()
                            && e.json().path("data").isEmpty(),
                    "the other tenant sees results of the run: %s",
                    e);
        });
        s.cases.run(CATEGORY, names[3], () -> {
            if (results.isEmpty()) {
                throw Cases.skip("the run has no results");
            }
            String resultId = results.get(0).path("id").asText();
            Target.Exchange e = s.target.get(Target.RESULTS + "/" + Session.enc(resultId), s.other);
            Cases.expect(e.status() == 404, "the other tenant can read result %s: %s", resultId, e);
        });
        s.cases.run(CATEGORY, names[4], () -> {
            if (s.readOnly) {
                throw Cases.skip("--read-only: a cancel is a write");
            }
            Target.Exchange e = s.target.post(Target.RUNS + "/" + runId + "/cancel", null, s.other);
            Target.Exchange after = s.target.get(Target.RUNS + "/" + runId, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.RUN_NOT_FOUND.wire().equals(e.errorCode()),
                    "the other tenant's cancel answered %s",
                    e);
            Cases.expect(
                    after.status() == 200 && !LifecycleStatus.CANCELLED.wire().equals(after.lifecycleStatus()),
                    "after the other tenant's cancel the run is %s (before: %s)",
                    after,
                    before.lifecycleStatus());
        });
    }
}
