package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.conformance.generated.rules.LifecycleStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What every check shares: the target, the spec judge, the recorded cases, the keys, the mode, the runs this
 * conformance run created (bounded by {@code --max-runs}, and cancelled at the end if still active) and the
 * experiments it created (deleted at the end if still there, after those runs were cancelled).
 */
final class Session {

    /** The lifecycle statuses by class, as the spec's {@code x-terminal} says. */
    static final Set<String> ACTIVE = statuses(LifecycleStatus::isActive);

    static final Set<String> TERMINAL = statuses(LifecycleStatus::isTerminal);

    private static Set<String> statuses(Predicate<LifecycleStatus> which) {
        return Arrays.stream(LifecycleStatus.values())
                .filter(which)
                .map(LifecycleStatus::wire)
                .collect(Collectors.toUnmodifiableSet());
    }

    final Target target;
    final SpecJudge judge;
    final Cases cases;
    final Target.Key main;
    final Target.Key other;
    final Target.Key wrong =
            new Target.Key("a wrong key", "exprun-conformance-not-a-key-" + Long.toHexString(System.nanoTime()));
    final boolean readOnly;
    final String experimentId;
    private final int maxRuns;
    private final Set<String> created = new LinkedHashSet<>();
    private final Set<String> createdExperiments = new LinkedHashSet<>();
    private int reserved;

    Session(
            Target target,
            SpecJudge judge,
            Cases cases,
            Target.Key main,
            Target.Key other,
            boolean readOnly,
            int maxRuns,
            String experimentId) {
        this.target = target;
        this.judge = judge;
        this.cases = cases;
        this.main = main;
        this.other = other;
        this.readOnly = readOnly;
        this.maxRuns = maxRuns;
        this.experimentId = experimentId;
    }

    /**
     * Sends a request that may create a run (any POST to the runs collection with a valid key), within the budget:
     * skips the check when {@code --max-runs} is used up, and remembers any run it did create, for the clean-up.
     */
    Target.Exchange mayCreate(String body, String why) {
        if (readOnly) {
            throw Cases.skip("--read-only: " + why + " needs a write");
        }
        if (reserved >= maxRuns) {
            throw Cases.skip("--max-runs " + maxRuns + " used up: " + why + " needs a new run");
        }
        reserved++;
        Target.Exchange e = target.post(Target.RUNS, body, main);
        String id = e.json().path("id").asText("");
        if (e.status() / 100 == 2 && !id.isEmpty()) {
            created.add(id);
        } else {
            reserved--;
        }
        return e;
    }

    /** Creates a run of the experiment under test; fails the check unless the answer is 200 with an id. */
    String createRun(String why) {
        Target.Exchange e = mayCreate("{\"experiment_id\":" + quote(experimentId) + "}", why);
        Cases.expect(
                e.status() == 200 && !e.json().path("id").asText("").isEmpty(),
                "creating a run of %s (for %s) failed: %s%s",
                experimentId,
                why,
                e,
                e.status() == 404 ? " (pass --experiment-id with an experiment of this deployment)" : "");
        return e.json().get("id").asText();
    }

    List<String> createdRuns() {
        return new ArrayList<>(created);
    }

    /**
     * Sends a request that may create an experiment (a POST to the experiments collection with a valid key), never
     * with {@code --read-only}; remembers any experiment it did create, for the clean-up.
     */
    Target.Exchange mayCreateExperiment(String body, String idempotencyKey, String why) {
        if (readOnly) {
            throw Cases.skip("--read-only: " + why + " needs a write");
        }
        Target.Exchange e = target.send(
                "POST",
                Target.EXPERIMENTS,
                body,
                main,
                idempotencyKey == null ? java.util.Map.of() : java.util.Map.of("Idempotency-Key", idempotencyKey));
        String id = e.json().path("id").asText("");
        if (e.status() / 100 == 2 && !id.isEmpty()) {
            createdExperiments.add(id);
        }
        return e;
    }

    List<String> createdExperiments() {
        return new ArrayList<>(createdExperiments);
    }

    /** Deletes every experiment this session created that is still there (after {@link #cleanUp}); how many. */
    int deleteExperiments() {
        int deleted = 0;
        for (String id : createdExperiments) {
            try {
                Target.Exchange now = target.get(Target.EXPERIMENTS + "/" + enc(id), main);
                if (now.status() == 200
                        && target.send("DELETE", Target.EXPERIMENTS + "/" + enc(id), null, main)
                                        .status()
                                == 204) {
                    deleted++;
                }
            } catch (Target.Unreachable e) {
                // reported by the summary: the experiment may still be there
            }
        }
        return deleted;
    }

    /** Cancels every run this session created that is still active; returns how many it cancelled. */
    int cleanUp() {
        int cancelled = 0;
        for (String id : created) {
            try {
                Target.Exchange now = target.get(Target.RUNS + "/" + id, main);
                if (now.status() == 200 && ACTIVE.contains(now.lifecycleStatus())) {
                    target.post(Target.RUNS + "/" + id + "/cancel", null, main);
                    cancelled++;
                }
            } catch (Target.Unreachable e) {
                // reported by the summary: the run may still be active
            }
        }
        return cancelled;
    }

    /** Every id in {@code data} of a list answer, in order. */
    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("data").forEach(item -> out.add(item.path("id").asText()));
        return out;
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
