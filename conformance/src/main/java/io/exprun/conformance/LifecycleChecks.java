package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.conformance.generated.rules.ErrorCode;
import io.exprun.conformance.generated.rules.LifecycleStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cancel semantics the schemas cannot express, on runs this session creates: create → get (pending, queued or
 * running) → cancel → 200 with the cancelled variant and timing → get stays cancelled → every result terminal →
 * second cancel 404 {@code run_not_cancellable} with status {@code cancelled} → unknown ids 404; and a run watched
 * until it finishes by itself, whose cancel is then 404 {@code run_not_cancellable} with that status. Tenant
 * isolation ({@link TenancyChecks}) runs on the first run while it is still active.
 */
final class LifecycleChecks {

    private static final String CATEGORY = "cancel";

    private LifecycleChecks() {}

    /** @return a run with results, for the paging checks (null if none was made) */
    static String run(Session s) {
        String[] run = new String[1];
        JsonNode[] createdBody = {null};
        s.cases.run(CATEGORY, "create_experiment_run → 200 a new run, pending, queued or running", () -> {
            run[0] = s.createRun("the cancel state machine");
            Target.Exchange created =
                    s.target.exchanges().get(s.target.exchanges().size() - 1);
            createdBody[0] = created.json();
            Cases.expect(
                    Session.ACTIVE.contains(created.lifecycleStatus()),
                    "a new run is %s: %s",
                    created.lifecycleStatus(),
                    created);
        });
        String id = run[0];
        // the next calls follow the spec's links from the create answer (where the spec declares them)
        String getPath = id == null ? null : linked(s, "get_experiment_run", createdBody[0], Target.RUNS + "/" + id);
        String cancelPath = id == null
                ? null
                : linked(s, "cancel_experiment_run", createdBody[0], Target.RUNS + "/" + id + "/cancel");
        boolean[] active = {false};
        step(s, id, "get_experiment_run of the new run → pending, queued or running", () -> {
            Target.Exchange got = s.target.get(getPath, s.main);
            Cases.expect(
                    got.status() == 200 && got.json().path("id").asText().equals(id), "expected the run, got %s", got);
            if (Session.TERMINAL.contains(got.lifecycleStatus())) {
                throw Cases.skip(
                        "the run already finished (" + got.lifecycleStatus() + "): cannot cancel it while active");
            }
            Cases.expect(Session.ACTIVE.contains(got.lifecycleStatus()), "status %s: %s", got.lifecycleStatus(), got);
            active[0] = true;
        });
        TenancyChecks.run(s, id);
        Set<String> results = new LinkedHashSet<>();
        String[] cancelled = new String[1];
        step(s, id, "cancel_experiment_run of an active run → 200 with the cancelled variant and timing", () -> {
            if (!active[0]) {
                throw Cases.skip("no active run to cancel");
            }
            Target.Exchange e = s.target.post(cancelPath, null, s.main);
            if (e.status() == 404 && ErrorCode.RUN_NOT_CANCELLABLE.wire().equals(e.errorCode())) {
                // the run may have finished between the get and the cancel: legitimate only if it really has
                Target.Exchange now = s.target.get(Target.RUNS + "/" + id, s.main);
                String finished = now.lifecycleStatus();
                Cases.expect(
                        (Session.TERMINAL.contains(finished)
                                        && !LifecycleStatus.CANCELLED.wire().equals(finished))
                                && finished.equals(
                                        e.json().at("/detail/details/status").asText()),
                        "an active run was refused as not cancellable: %s; the run now reads %s",
                        e,
                        now);
                throw Cases.skip("the run finished (" + finished + ") before it could be cancelled; run again with "
                        + "slower documents or a bigger experiment");
            }
            Cases.expect(e.status() == 200, "expected 200, got %s", e);
            Cases.expect(id.equals(e.json().path("id").asText()), "the answer names another run: %s", e);
            Cases.expect(
                    LifecycleStatus.CANCELLED.wire().equals(e.lifecycleStatus()),
                    "lifecycle.status is '%s', expected 'cancelled': %s",
                    e.lifecycleStatus(),
                    e);
            Cases.expect(e.json().path("timing").isObject(), "no timing in the answer: %s", e);
            cancelled[0] = id;
        });
        step(s, cancelled[0], "get_experiment_run after the cancel → stays cancelled", () -> {
            for (int i = 0; i < 2; i++) {
                Target.Exchange got = s.target.get(Target.RUNS + "/" + id, s.main);
                Cases.expect(
                        LifecycleStatus.CANCELLED.wire().equals(got.lifecycleStatus()),
                        "read %d after the cancel: %s",
                        i + 1,
                        got);
            }
        });
        step(s, cancelled[0], "list_experiment_results of the cancelled run → every result terminal", () -> {
            for (JsonNode r : allResults(s, id)) {
                results.add(r.path("id").asText());
                String status = r.path("lifecycle").path("status").asText();
                Cases.expect(
                        Session.TERMINAL.contains(status),
                        "result %s is %s after its run was cancelled",
                        r.path("id").asText(),
                        status);
            }
            Cases.expect(!results.isEmpty(), "the cancelled run has no results");
        });
        step(
                s,
                cancelled[0],
                "second cancel → 404 run_not_cancellable with status cancelled",
                () -> expectNotCancellable(
                        s.target.post(Target.RUNS + "/" + id + "/cancel", null, s.main),
                        LifecycleStatus.CANCELLED.wire()));
        unknownIds(s);
        finishedRun(s);
        return id;
    }

    /** Cancelling a run that finished by itself (watched up to the timeout) → 404 with its final status. */
    private static void finishedRun(Session s) {
        s.cases.run(
                CATEGORY,
                "a run observed to finish by itself: cancel → 404 run_not_cancellable with its status",
                () -> {
                    String id = s.createRun("watching a run finish");
                    long deadline = System.nanoTime() + s.target.timeout().toNanos();
                    List<String> seen = new ArrayList<>();
                    String status;
                    do {
                        Target.Exchange got = s.target.get(Target.RUNS + "/" + id, s.main);
                        Cases.expect(got.status() == 200, "expected the run, got %s", got);
                        status = got.lifecycleStatus();
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                            seen.add(status);
                        }
                        if (Session.TERMINAL.contains(status)) {
                            break;
                        }
                        Thread.sleep(100); // polling a remote service, whose progress we cannot be notified of
                    } while (System.nanoTime() < deadline);
                    Cases.expect(
                            !LifecycleStatus.CANCELLED.wire().equals(status),
                            "nobody cancelled the run, yet it is cancelled (seen %s)",
                            seen);
                    if (!Session.TERMINAL.contains(status)) {
                        throw Cases.skip("the run did not finish within "
                                + s.target.timeout().toMillis() + " ms (seen " + seen
                                + "); it is cancelled at the end");
                    }
                    expectNotCancellable(s.target.post(Target.RUNS + "/" + id + "/cancel", null, s.main), status);
                });
    }

    private static void unknownIds(Session s) {
        String none = AuthChecks.NO_SUCH_ID;
        s.cases.run(CATEGORY, "cancel of an unknown run id → 404 run_not_found", () -> {
            Target.Exchange e = s.target.post(Target.RUNS + "/" + none + "/cancel", null, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.RUN_NOT_FOUND.wire().equals(e.errorCode()),
                    "expected 404 run_not_found, got %s",
                    e);
        });
        s.cases.run(CATEGORY, "get_experiment_run of an unknown id → 404 run_not_found", () -> {
            Target.Exchange e = s.target.get(Target.RUNS + "/" + none, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.RUN_NOT_FOUND.wire().equals(e.errorCode()),
                    "expected 404 run_not_found, got %s",
                    e);
        });
        s.cases.run(CATEGORY, "get_experiment_result of an unknown id → 404", () -> {
            Target.Exchange e = s.target.get(Target.RESULTS + "/" + none, s.main);
            Cases.expect(e.status() == 404, "expected 404, got %s", e);
        });
        s.cases.run(CATEGORY, "create_experiment_run of an unknown experiment → 404", () -> {
            Target.Exchange e =
                    s.mayCreate("{\"experiment_id\":\"exp_conformance_no_such_experiment\"}", "an unknown experiment");
            Cases.expect(e.status() == 404, "expected 404, got %s", e);
        });
    }

    static void expectNotCancellable(Target.Exchange e, String status) {
        Cases.expect(e.status() == 404, "expected 404 run_not_cancellable, got %s", e);
        Cases.expect(
                ErrorCode.RUN_NOT_CANCELLABLE.wire().equals(e.errorCode()),
                "detail.code is '%s', expected run_not_cancellable: %s",
                e.errorCode(),
                e);
        String said = e.json().at("/detail/details/status").asText("");
        Cases.expect(status.equals(said), "detail.details.status is '%s', expected '%s': %s", said, status, e);
    }

    /** Every result of a run, following {@code after}. */
    static List<JsonNode> allResults(Session s, String runId) {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 100; page++) {
            Target.Exchange e = s.target.get(
                    Target.RESULTS + "?limit=100&order=asc&run_id=" + Session.enc(runId)
                            + (after == null ? "" : "&after=" + Session.enc(after)),
                    s.main);
            Cases.expect(e.status() == 200, "listing the results failed: %s", e);
            e.json().path("data").forEach(out::add);
            JsonNode next = e.json().at("/list_metadata/after");
            if (!next.isTextual()) {
                break;
            }
            after = next.asText();
        }
        return out;
    }

    /** The request the create answer's link to {@code operationId} makes; {@code fallback} for a spec without one. */
    private static String linked(Session s, String operationId, JsonNode createAnswer, String fallback) {
        return Links.follow(s.judge.spec(), "create_experiment_run", operationId, createAnswer)
                .orElse(fallback);
    }

    /** A check of the state machine; skipped when an earlier step left no run in the needed state. */
    private static void step(Session s, String runId, String name, Cases.Check check) {
        s.cases.run(CATEGORY, name, () -> {
            if (runId == null) {
                throw Cases.skip("an earlier step failed or was skipped");
            }
            check.run();
        });
    }
}
