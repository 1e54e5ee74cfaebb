package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exprun.conformance.generated.rules.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The experiments resource (contract 0.2.0), what its schemas cannot express, on an experiment this session creates
 * (a duplicate of the experiment under test, {@code source_experiment_id}): create with an {@code Idempotency-Key}
 * and again with the same key → the same experiment; get; the list finds it walking {@code after}; update changes the
 * name; a run of it is created; a delete while that run is active → 409 {@code experiment_has_active_run} naming it
 * (and the experiment stays); the run named is cancelled (following the 409's link); delete → 204; get → 404
 * {@code experiment_not_found}. With {@code --other-tenant-key}, while the experiment exists: the other tenant's get,
 * list, update and delete see nothing and change nothing. With {@code --read-only}: the list and get of existing
 * experiments (see {@link #readOnly} for why tenant isolation is not judged then).
 *
 * <p>Over 250 lines on purpose: the checks are one sequence on one experiment (each step needs the state the previous
 * one left), and splitting them would pass that state between classes.
 */
final class ExperimentChecks {

    private static final String CATEGORY = "experiments";
    private static final String TENANCY = "tenancy";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 100;

    private ExperimentChecks() {}

    /** The experiment these checks made and what they learned of it; null fields: an earlier step did not get there. */
    private static final class State {
        JsonNode source;
        String id;
        String workflowId;
        JsonNode created;
        String name;
        String runId;
        boolean blocked; // the delete was refused while the run was active: the experiment still exists
        String cancelPath;
        boolean deleted;
    }

    static void run(Session s) {
        if (s.readOnly) {
            readOnly(s);
            return;
        }
        State st = new State();
        create(s, st);
        readBack(s, st);
        tenancy(s, st.id);
        update(s, st);
        runAndDelete(s, st);
        unknownIds(s);
    }

    private static void create(Session s, State st) {
        String key = "exprun-conformance-" + UUID.randomUUID();
        s.cases.run(CATEGORY, "create_experiment with an Idempotency-Key → 200, the experiment asked for", () -> {
            if (s.experimentId == null) {
                throw Cases.skip("no experiment under test to duplicate (--experiment-id)");
            }
            Target.Exchange source = s.target.get(Target.EXPERIMENTS + "/" + Session.enc(s.experimentId), s.main);
            Cases.expect(
                    source.status() == 200,
                    "get_experiment of the experiment under test %s failed: %s",
                    s.experimentId,
                    source);
            st.source = source.json();
            st.workflowId = source.json().path("workflow_id").asText();
            st.name = "exprun-conformance " + key.substring(key.length() - 12);
            ObjectNode body = JSON.createObjectNode()
                    .put("workflow_id", st.workflowId)
                    .put("name", st.name)
                    .put("source_experiment_id", s.experimentId);
            Target.Exchange e = s.mayCreateExperiment(body.toString(), key, "creating an experiment");
            Cases.expect(e.status() == 200, "expected 200, got %s", e);
            JsonNode x = e.json();
            Cases.expect(!x.path("id").asText("").isEmpty(), "no id in %s", e);
            st.id = x.path("id").asText();
            st.created = x;
            Cases.expect(
                    st.name.equals(x.path("name").asText()), "name is '%s', asked for '%s'", x.path("name"), st.name);
            Cases.expect(
                    st.workflowId.equals(x.path("workflow_id").asText()),
                    "workflow_id is %s, asked for %s",
                    x.path("workflow_id"),
                    st.workflowId);
            Cases.expect(
                    x.path("document_count").asInt(-1) == x.path("documents").size()
                            && x.path("document_count").asInt()
                                    == st.source.path("document_count").asInt(),
                    "a duplicate of %s (%s documents) has document_count %s and %d documents",
                    s.experimentId,
                    st.source.path("document_count"),
                    x.path("document_count"),
                    x.path("documents").size());
        });
        step(s, st.id, "create_experiment again with the same Idempotency-Key and body → the same experiment", () -> {
            ObjectNode body = JSON.createObjectNode()
                    .put("workflow_id", st.workflowId)
                    .put("name", st.name)
                    .put("source_experiment_id", s.experimentId);
            Target.Exchange again = s.mayCreateExperiment(body.toString(), key, "repeating a create");
            Cases.expect(again.status() == 200, "expected 200, got %s", again);
            Cases.expect(
                    st.id.equals(again.json().path("id").asText()),
                    "the repeat created another experiment: %s, the first was %s",
                    again.json().path("id"),
                    st.id);
        });
    }

    private static void readBack(Session s, State st) {
        step(s, st.id, "get_experiment of the new experiment → 200, as created", () -> {
            // the spec's link from the create answer, where it declares one
            String path = Links.follow(s.judge.spec(), "create_experiment", "get_experiment", st.created)
                    .orElse(Target.EXPERIMENTS + "/" + Session.enc(st.id));
            Target.Exchange got = s.target.get(path, s.main);
            Cases.expect(got.status() == 200, "expected 200, got %s", got);
            for (String field : List.of("id", "workflow_id", "block_id", "block_type", "n_consensus", "name")) {
                Cases.expect(
                        got.json().path(field).equals(st.created.path(field)),
                        "%s is %s, the create answered %s",
                        field,
                        got.json().path(field),
                        st.created.path(field));
            }
        });
        step(s, st.id, "list_experiments walking after (workflow_id filter, oldest first) finds it once", () -> {
            List<String> seen = walk(s, st.workflowId, s.main);
            Cases.expect(
                    seen.stream().filter(st.id::equals).count() == 1,
                    "walking list_experiments?workflow_id=%s saw it %d times in %s",
                    st.workflowId,
                    seen.stream().filter(st.id::equals).count(),
                    seen);
        });
    }

    /** Every experiment of {@code workflowId} the key sees, oldest first, two a page; fails on a repeat or a stranger. */
    private static List<String> walk(Session s, String workflowId, Target.Key key) {
        List<String> seen = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            Target.Exchange e = s.target.get(
                    Target.EXPERIMENTS + "?order=asc&limit=2&workflow_id=" + Session.enc(workflowId)
                            + (after == null ? "" : "&after=" + Session.enc(after)),
                    key);
            Cases.expect(e.status() == 200, "a page failed: %s", e);
            for (JsonNode x : e.json().path("data")) {
                String id = x.path("id").asText();
                Cases.expect(unique.add(id), "%s listed twice walking after (page %d)", id, page + 1);
                Cases.expect(
                        workflowId.equals(x.path("workflow_id").asText()),
                        "the workflow_id filter let through %s of %s",
                        id,
                        x.path("workflow_id"));
                seen.add(id);
            }
            JsonNode next = e.json().at("/list_metadata/after");
            if (!next.isTextual()) {
                return seen;
            }
            after = next.asText();
        }
        throw Cases.skip("more than " + MAX_PAGES * 2 + " experiments of " + workflowId + ": not walked to the end");
    }

    private static void update(Session s, State st) {
        step(s, st.id, "update_experiment of the name → 200 with the new name; get agrees, the rest unchanged", () -> {
            String renamed = st.name + " (renamed)";
            Target.Exchange e = s.target.send(
                    "PATCH",
                    Target.EXPERIMENTS + "/" + Session.enc(st.id),
                    JSON.createObjectNode().put("name", renamed).toString(),
                    s.main);
            Cases.expect(e.status() == 200, "expected 200, got %s", e);
            Cases.expect(
                    renamed.equals(e.json().path("name").asText()),
                    "the answer's name is %s",
                    e.json().path("name"));
            Target.Exchange got = s.target.get(Target.EXPERIMENTS + "/" + Session.enc(st.id), s.main);
            Cases.expect(renamed.equals(got.json().path("name").asText()), "after the update, get says %s", got);
            Cases.expect(
                    got.json().path("documents").equals(st.created.path("documents")),
                    "changing the name changed the documents: %s",
                    got);
            st.name = renamed;
        });
    }

    private static void runAndDelete(Session s, State st) {
        step(s, st.id, "create_experiment_run of the experiment → 200, an active run of it", () -> {
            Target.Exchange e =
                    s.mayCreate("{\"experiment_id\":" + Session.quote(st.id) + "}", "a run of the new experiment");
            Cases.expect(e.status() == 200, "expected 200, got %s", e);
            st.runId = e.json().path("id").asText();
            Cases.expect(
                    st.id.equals(e.json().path("experiment_id").asText()),
                    "the run is of experiment %s: %s",
                    e.json().path("experiment_id"),
                    e);
        });
        step(
                s,
                st.runId,
                "delete_experiment while its run is active → 409 experiment_has_active_run naming the run",
                () -> {
                    Target.Exchange e =
                            s.target.send("DELETE", Target.EXPERIMENTS + "/" + Session.enc(st.id), null, s.main);
                    if (e.status() != 409) {
                        Target.Exchange run = s.target.get(Target.RUNS + "/" + Session.enc(st.runId), s.main);
                        if (e.status() == 204 && Session.TERMINAL.contains(run.lifecycleStatus())) {
                            st.deleted = true;
                            throw Cases.skip("the run finished (" + run.lifecycleStatus() + ") before the delete, "
                                    + "which then rightly answered 204; run again with slower documents");
                        }
                        throw new Cases.Failure("expected 409 experiment_has_active_run, got " + e + "; the run "
                                + st.runId + " reads " + run.lifecycleStatus());
                    }
                    st.blocked = true;
                    Cases.expect(
                            ErrorCode.EXPERIMENT_HAS_ACTIVE_RUN.wire().equals(e.errorCode()),
                            "detail.code is '%s', expected experiment_has_active_run: %s",
                            e.errorCode(),
                            e);
                    JsonNode details = e.json().at("/detail/details");
                    Cases.expect(
                            st.runId.equals(details.path("run_id").asText()),
                            "detail.details.run_id is %s, the active run is %s: %s",
                            details.path("run_id"),
                            st.runId,
                            e);
                    Cases.expect(
                            Session.ACTIVE.contains(details.path("status").asText()),
                            "detail.details.status is %s, expected pending, queued or running",
                            details.path("status"));
                    st.cancelPath = Links.follow(
                                    s.judge.spec(), "delete_experiment", 409, "cancel_experiment_run", e.json())
                            .orElse(Target.RUNS + "/" + Session.enc(st.runId) + "/cancel");
                    Target.Exchange still = s.target.get(Target.EXPERIMENTS + "/" + Session.enc(st.id), s.main);
                    Cases.expect(still.status() == 200, "after the refused delete the experiment reads %s", still);
                });
        step(s, st.runId, "cancel the run the 409 names, then delete_experiment → 204", () -> {
            if (st.deleted) {
                throw Cases.skip("the experiment was already deleted (its run had finished)");
            }
            String cancel =
                    st.cancelPath != null ? st.cancelPath : Target.RUNS + "/" + Session.enc(st.runId) + "/cancel";
            Target.Exchange c = s.target.post(cancel, null, s.main);
            Cases.expect(
                    c.status() == 200
                            || (c.status() == 404
                                    && ErrorCode.RUN_NOT_CANCELLABLE.wire().equals(c.errorCode())),
                    "cancelling the run failed: %s",
                    c);
            Target.Exchange e = s.target.send("DELETE", Target.EXPERIMENTS + "/" + Session.enc(st.id), null, s.main);
            Cases.expect(e.status() == 204, "expected 204, got %s", e);
            Cases.expect(e.body().isEmpty(), "a 204 with a body: %s", e);
            st.deleted = true;
        });
        step(
                s,
                st.deleted ? st.id : null,
                "get_experiment after the delete → 404 experiment_not_found; its run stays",
                () -> {
                    Target.Exchange e = s.target.get(Target.EXPERIMENTS + "/" + Session.enc(st.id), s.main);
                    Cases.expect(
                            e.status() == 404
                                    && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                            "expected 404 experiment_not_found, got %s",
                            e);
                    if (st.runId != null) {
                        Target.Exchange run = s.target.get(Target.RUNS + "/" + Session.enc(st.runId), s.main);
                        Cases.expect(run.status() == 200, "the deleted experiment's run is gone: %s", run);
                    }
                });
    }

    private static void unknownIds(Session s) {
        String none = Target.EXPERIMENTS + "/" + AuthChecks.NO_SUCH_ID;
        for (String method : List.of("GET", "PATCH", "DELETE")) {
            String op = switch (method) {
                case "GET" -> "get_experiment";
                case "PATCH" -> "update_experiment";
                default -> "delete_experiment";
            };
            s.cases.run(CATEGORY, op + " of an unknown id → 404 experiment_not_found", () -> {
                Target.Exchange e =
                        s.target.send(method, none, method.equals("PATCH") ? "{\"name\":\"x\"}" : null, s.main);
                Cases.expect(
                        e.status() == 404
                                && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                        "expected 404 experiment_not_found, got %s",
                        e);
            });
        }
        s.cases.run(
                CATEGORY, "create_experiment from an unknown source_experiment_id → 404 experiment_not_found", () -> {
                    Target.Exchange e = s.mayCreateExperiment(
                            "{\"workflow_id\":\"wf_conformance\",\"source_experiment_id\":\"" + AuthChecks.NO_SUCH_ID
                                    + "\"}",
                            null,
                            "an unknown source");
                    Cases.expect(
                            e.status() == 404
                                    && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                            "expected 404 experiment_not_found, got %s",
                            e);
                });
    }

    /**
     * --read-only: existing experiments listed and read by id. Tenant isolation is not judged on them: experiment ids
     * are the tenant's own (a deployment's seed experiments have the same id in every tenant), so from outside a
     * read of an existing id by the other tenant cannot tell a leak from that tenant's own experiment; it is judged
     * on the experiment created when writes are allowed, whose id is new.
     */
    private static void readOnly(Session s) {
        s.cases.run(
                CATEGORY, "get_experiment of each of the 10 newest experiments → 200, the experiment listed", () -> {
                    Target.Exchange list = s.target.get(Target.EXPERIMENTS + "?limit=10", s.main);
                    Cases.expect(list.status() == 200, "listing experiments failed: %s", list);
                    List<String> ids = Session.ids(list.json());
                    if (ids.isEmpty()) {
                        throw Cases.skip("no experiments yet");
                    }
                    for (String id : ids) {
                        Target.Exchange got = s.target.get(Target.EXPERIMENTS + "/" + Session.enc(id), s.main);
                        Cases.expect(
                                got.status() == 200
                                        && id.equals(got.json().path("id").asText()),
                                "listed experiment %s: %s",
                                id,
                                got);
                    }
                });
        s.cases.run(CATEGORY, "get_experiment of an unknown id → 404 experiment_not_found", () -> {
            Target.Exchange e = s.target.get(Target.EXPERIMENTS + "/" + AuthChecks.NO_SUCH_ID, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                    "expected 404 experiment_not_found, got %s",
                    e);
        });
        for (String name : TENANCY_NAMES) {
            s.cases.record(new CaseResult(
                    TENANCY,
                    name,
                    CaseResult.Outcome.SKIPPED,
                    "--read-only: judged on an experiment the kit creates (existing ids may be the other tenant's "
                            + "own too)",
                    0));
        }
    }

    private static final String[] TENANCY_NAMES = {
        "other tenant: get_experiment of the experiment → 404 experiment_not_found",
        "other tenant: list_experiments does not show the experiment",
        "other tenant: update_experiment → 404 experiment_not_found and the experiment is unchanged",
        "other tenant: delete_experiment → 404 experiment_not_found and the experiment is still there"
    };

    /**
     * The other tenant and the main tenant's new experiment {@code id}: get and list see nothing; update and delete
     * answer 404 {@code experiment_not_found} and change nothing.
     */
    private static void tenancy(Session s, String id) {
        String[] names = TENANCY_NAMES;
        if (s.other == null || id == null) {
            String why = s.other == null ? "needs --other-tenant-key" : "no experiment of the main tenant to look for";
            for (String name : names) {
                s.cases.record(new CaseResult(TENANCY, name, CaseResult.Outcome.SKIPPED, why, 0));
            }
            return;
        }
        String path = Target.EXPERIMENTS + "/" + Session.enc(id);
        s.cases.run(TENANCY, names[0], () -> {
            Target.Exchange e = s.target.get(path, s.other);
            Cases.expect(
                    e.status() == 404 && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                    "the other tenant can see the experiment: %s",
                    e);
        });
        s.cases.run(TENANCY, names[1], () -> {
            Target.Exchange mine = s.target.get(path, s.main);
            Cases.expect(mine.status() == 200, "the main tenant cannot read its experiment: %s", mine);
            List<String> seen = walk(s, mine.json().path("workflow_id").asText(), s.other);
            Cases.expect(!seen.contains(id), "the other tenant's list shows %s", id);
        });
        s.cases.run(TENANCY, names[2], () -> {
            Target.Exchange before = s.target.get(path, s.main);
            Target.Exchange e =
                    s.target.send("PATCH", path, "{\"name\":\"changed by another tenant\",\"n_consensus\":7}", s.other);
            Target.Exchange after = s.target.get(path, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                    "the other tenant's update answered %s",
                    e);
            Cases.expect(
                    after.status() == 200 && after.json().equals(before.json()),
                    "after the other tenant's update the experiment is %s (before: %s)",
                    after,
                    before);
        });
        s.cases.run(TENANCY, names[3], () -> {
            Target.Exchange e = s.target.send("DELETE", path, null, s.other);
            Target.Exchange after = s.target.get(path, s.main);
            Cases.expect(
                    e.status() == 404 && ErrorCode.EXPERIMENT_NOT_FOUND.wire().equals(e.errorCode()),
                    "the other tenant's delete answered %s",
                    e);
            Cases.expect(after.status() == 200, "after the other tenant's delete the experiment reads %s", after);
        });
    }

    /** A check of the sequence; skipped when an earlier step left nothing to check. */
    private static void step(Session s, String needed, String name, Cases.Check check) {
        s.cases.run(CATEGORY, name, () -> {
            if (needed == null) {
                throw Cases.skip("an earlier step failed or was skipped");
            }
            check.run();
        });
    }
}
