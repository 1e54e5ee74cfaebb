package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.conformance.generated.rules.ErrorCode;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Contract 0.3.0: the validators and the wait. A run, a result and an experiment carry a strong ETag;
 * {@code If-None-Match} with it is a 304 without a body while nothing changed, and a transition (a cancel) or a
 * change gives another one; {@code If-Match} with a stale one refuses an experiment's change and delete with 412
 * {@code precondition_failed}, changing nothing. {@code wait_for=terminal} answers a terminal run at once, an active
 * one no sooner than its timeout and not much later (the wait's bound), and as soon as the run ends while it waits.
 * Creates one run (within {@code --max-runs}) and one experiment (deleted at the end); with {@code --read-only}, only
 * the reads of an existing run, result and experiment.
 */
final class ValidatorAndWaitChecks {

    private static final String VALIDATORS = "validators";
    private static final String WAITS = "waits";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How much later than its timeout a wait may answer, on a loaded network. */
    private static final long SLACK_MS = 3_000;

    private static final String RUN_304 =
            "get_experiment_run with If-None-Match: its ETag → 304, no body, the ETag repeated";
    private static final String WAKE =
            "a run that ends while waited on (timeout=20s; cancelled) → the wait answers it at once";

    private ValidatorAndWaitChecks() {}

    /** @param existingRun a run of the main tenant to read in {@code --read-only} (or null) */
    static void run(Session s, String existingRun) {
        String runId = s.readOnly ? existingRun : null;
        if (!s.readOnly) {
            try {
                runId = s.createRun("the validators' and the wait's checks");
            } catch (Cases.Skip | Cases.Failure e) {
                runId = null;
            }
        }
        String run = runId;
        String[] tag = new String[1];
        s.cases.run(VALIDATORS, "get_experiment_run → 200 with a strong ETag", () -> {
            need(run);
            tag[0] = strongEtag(s.target.get(Target.RUNS + "/" + run, s.main));
        });
        s.cases.run(VALIDATORS, RUN_304, () -> {
            need(run, tag[0]);
            String path = Target.RUNS + "/" + run;
            String etag = tag[0];
            // a run that workers move on may change between the two reads: then read it again, a few times
            for (int tries = 1; ; tries++) {
                Target.Exchange e = s.target.send("GET", path, null, s.main, Map.of("If-None-Match", etag));
                if (e.status() == 304 || tries == 5 || !(e.status() == 200 && !etag.equals(strongEtag(e)))) {
                    notModified(etag, e);
                    return;
                }
                etag = strongEtag(e);
            }
        });
        s.cases.run(VALIDATORS, "get_experiment_result → 200 with a strong ETag; If-None-Match with it → 304", () -> {
            need(run);
            JsonNode first = s.target
                    .get(Target.RESULTS + "?run_id=" + Session.enc(run), s.main)
                    .json()
                    .at("/data/0/id");
            if (!first.isTextual()) {
                throw Cases.skip("the run has no result");
            }
            String path = Target.RESULTS + "/" + Session.enc(first.asText());
            notModified(s, path, strongEtag(s.target.get(path, s.main)));
        });
        if (!s.readOnly) {
            waitsOn(s, run, tag[0]);
        }
        s.cases.run(WAITS, "get_experiment_run with wait_for=terminal on a terminal run → answered at once", () -> {
            need(run);
            Target.Exchange now = s.target.get(Target.RUNS + "/" + run, s.main);
            if (!Session.TERMINAL.contains(now.lifecycleStatus())) {
                throw Cases.skip("the run is " + now.lifecycleStatus());
            }
            long started = System.nanoTime();
            Target.Exchange e = s.target.get(Target.RUNS + "/" + run + "?wait_for=terminal&timeout=30s", s.main);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Cases.expect(e.status() == 200 && now.lifecycleStatus().equals(e.lifecycleStatus()), "got %s", e);
            Cases.expect(ms < SLACK_MS, "a terminal run's wait took %d ms", ms);
        });
        experiment(s);
    }

    /** The wait's bound, its end on a transition, and the transition's new ETag, on the (active) run created. */
    private static void waitsOn(Session s, String run, String before) {
        String path = Target.RUNS + "/" + run;
        s.cases.run(
                WAITS,
                "wait_for=terminal&timeout=1s on an active run → the run still active, after 1 s, not much later",
                () -> {
                    need(run);
                    long started = System.nanoTime();
                    Target.Exchange e = s.target.get(path + "?wait_for=terminal&timeout=1s", s.main);
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    if (Session.TERMINAL.contains(e.lifecycleStatus())) {
                        throw Cases.skip("the run ended while waited on (" + e.lifecycleStatus() + ")");
                    }
                    Cases.expect(e.status() == 200, "got %s", e);
                    Cases.expect(
                            ms >= 900, "answered after %d ms: before the wait's 1 s timeout, the run still active", ms);
                    Cases.expect(ms <= 1000 + SLACK_MS, "answered after %d ms: a 1 s wait held far past its bound", ms);
                });
        s.cases.run(WAITS, WAKE, () -> {
            need(run);
            CompletableFuture<Target.Exchange> waiting =
                    CompletableFuture.supplyAsync(() -> s.target.get(path + "?wait_for=terminal&timeout=20s", s.main));
            // time for the wait to reach the server; a cancel that comes first ends it at once anyway
            Thread.sleep(300);
            Target.Exchange cancel = s.target.post(path + "/cancel", null, s.main);
            Cases.expect(
                    cancel.status() == 200
                            || ErrorCode.RUN_NOT_CANCELLABLE.wire().equals(cancel.errorCode()),
                    "the cancel failed: %s",
                    cancel);
            long ended = System.nanoTime(); // cancelled now, or it had ended by itself (workers faster than us)
            Target.Exchange e = waiting.get(s.target.timeout().toMillis() + SLACK_MS, TimeUnit.MILLISECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended);
            Cases.expect(Session.TERMINAL.contains(e.lifecycleStatus()), "the wait answered %s", e);
            Cases.expect(ms < SLACK_MS, "the wait answered %d ms after the run had ended", ms);
        });
        s.cases.run(
                VALIDATORS,
                "a transition (cancel) gives the run another ETag: If-None-Match with the old → 200",
                () -> {
                    need(run, before);
                    Target.Exchange e = s.target.send("GET", path, null, s.main, Map.of("If-None-Match", before));
                    Cases.expect(
                            e.status() == 200,
                            "the ETag read before the cancel still matches after it (an ETag that does not change on a "
                                    + "transition): %s",
                            e);
                    Cases.expect(!before.equals(strongEtag(e)), "the ETag is %s before and after the cancel", before);
                });
    }

    /** An experiment's ETag, its 304, and If-Match: a stale one refuses a change and a delete with 412. */
    private static void experiment(Session s) {
        String[] id = new String[1];
        String[] tag = new String[1];
        s.cases.run(VALIDATORS, "get_experiment → 200 with a strong ETag; If-None-Match with it → 304", () -> {
            if (s.experimentId == null) {
                throw Cases.skip("no experiment under test (--experiment-id)");
            }
            String path = Target.EXPERIMENTS + "/" + Session.enc(s.experimentId);
            notModified(s, path, strongEtag(s.target.get(path, s.main)));
            if (!s.readOnly) {
                String name = "exprun-conformance validators "
                        + UUID.randomUUID().toString().substring(0, 8);
                Target.Exchange created = s.mayCreateExperiment(
                        JSON.createObjectNode()
                                .put(
                                        "workflow_id",
                                        s.target
                                                .get(path, s.main)
                                                .json()
                                                .path("workflow_id")
                                                .asText())
                                .put("name", name)
                                .put("source_experiment_id", s.experimentId)
                                .toString(),
                        null,
                        "the validators of an experiment");
                Cases.expect(created.status() == 200, "creating an experiment failed: %s", created);
                id[0] = created.json().path("id").asText();
                tag[0] = strongEtag(s.target.get(Target.EXPERIMENTS + "/" + Session.enc(id[0]), s.main));
            }
        });
        String name = "update_experiment and delete_experiment with a stale If-Match → 412 precondition_failed, "
                + "nothing changed; with the current one → 200, 204";
        s.cases.run(VALIDATORS, name, () -> {
            if (s.readOnly) {
                throw Cases.skip("--read-only: it changes an experiment");
            }
            need(id[0], tag[0]);
            String path = Target.EXPERIMENTS + "/" + Session.enc(id[0]);
            Target.Exchange renamed = s.target.send("PATCH", path, "{\"name\":\"renamed by someone else\"}", s.main);
            Cases.expect(renamed.status() == 200, "the rename failed: %s", renamed);
            String now = strongEtag(renamed);
            Cases.expect(!now.equals(tag[0]), "the rename left the ETag %s unchanged", now);
            Target.Exchange patch =
                    s.target.send("PATCH", path, "{\"name\":\"mine\"}", s.main, Map.of("If-Match", tag[0]));
            Cases.expect(
                    patch.status() == 412
                            && ErrorCode.PRECONDITION_FAILED.wire().equals(patch.errorCode()),
                    "a change on a stale If-Match: %s",
                    patch);
            Target.Exchange delete = s.target.send("DELETE", path, null, s.main, Map.of("If-Match", tag[0]));
            Cases.expect(
                    delete.status() == 412
                            && ErrorCode.PRECONDITION_FAILED.wire().equals(delete.errorCode()),
                    "a delete on a stale If-Match: %s",
                    delete);
            Target.Exchange after = s.target.get(path, s.main);
            Cases.expect(
                    after.status() == 200
                            && "renamed by someone else"
                                    .equals(after.json().path("name").asText()),
                    "after the refusals: %s",
                    after);
            Target.Exchange current =
                    s.target.send("PATCH", path, "{\"name\":\"mine\"}", s.main, Map.of("If-Match", now));
            Cases.expect(current.status() == 200, "a change on the current If-Match: %s", current);
            Target.Exchange deleted =
                    s.target.send("DELETE", path, null, s.main, Map.of("If-Match", strongEtag(current)));
            Cases.expect(deleted.status() == 204, "a delete on the current If-Match: %s", deleted);
        });
    }

    private static void notModified(Session s, String path, String etag) {
        notModified(etag, s.target.send("GET", path, null, s.main, Map.of("If-None-Match", etag)));
    }

    private static void notModified(String etag, Target.Exchange e) {
        Cases.expect(e.status() == 304, "If-None-Match with the ETag just read: %s", e);
        Cases.expect(e.body().isEmpty(), "a 304 with a body: %s", e);
        Cases.expect(
                etag.equals(e.headers().firstValue("ETag").orElse(null)),
                "the 304 repeats ETag %s, not %s",
                e.headers().firstValue("ETag").orElse("(none)"),
                etag);
    }

    private static String strongEtag(Target.Exchange e) {
        Cases.expect(e.status() == 200, "expected 200, got %s", e);
        String etag = e.headers().firstValue("ETag").orElse(null);
        Cases.expect(etag != null, "no ETag on %s", e);
        Cases.expect(etag.matches("\"[^\"]*\""), "not a strong ETag: %s", etag);
        return etag;
    }

    private static void need(String... values) {
        for (String v : values) {
            if (v == null) {
                throw Cases.skip("an earlier check did not get that far");
            }
        }
    }
}
