package io.exprun.server.store;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of runs and results. Every state change is a conditional update on the current status
 * (never read-then-write), so concurrent cancels, workers and instances always leave one consistent outcome.
 * Reads take the tenant: another tenant's rows are invisible. Worker-side methods are tenant-free.
 */
public interface RunStore {

    // ---- API side -------------------------------------------------------------------------------

    /** Inserts a new run and its results atomically. */
    void insertRun(Run run, List<Result> results);

    /** As {@link #insertRun}, unless a run with that id exists already: then nothing is written and false returned. */
    boolean insertRunIfAbsent(Run run, List<Result> results);

    Optional<Run> findRun(String tenant, String runId);

    Page<Run> listRuns(String tenant, RunQuery query);

    Optional<Result> findResult(String tenant, String resultId);

    Page<Result> listResults(String tenant, String runId, PageRequest page);

    /**
     * One atomic transition: the run pending|queued|running → cancelled (with {@code reason}), and with it every
     * pending|queued|running result of the run → cancelled with the same reason and time. The results follow from the
     * run's row (reads derive them), so the cost does not grow with the number of results and no reader can ever see
     * a cancelled run with an unfinished result.
     *
     * @return the cancelled run, or empty when no such run of this tenant is cancellable (absent or terminal)
     */
    Optional<Run> cancelRun(String tenant, String runId, String reason, Instant now);

    // ---- worker side ----------------------------------------------------------------------------

    /** Ids of runs in {@code status}, oldest first. */
    List<String> runIdsIn(LifecycleStatus status, int limit);

    /** pending → queued. */
    boolean enqueue(String runId);

    /** Ids of runs a worker may claim now: queued, or running whose lease expired (its worker died). */
    List<String> claimableRunIds(Instant now, int limit);

    /**
     * Takes a queued run (→ running) or a running run whose lease expired, for {@code owner} until {@code leaseUntil}.
     * Results left running by a previous owner go back to pending with attempt + 1.
     *
     * @return the claimed run, or empty when another worker got it first or it is no longer claimable
     */
    Optional<Run> claimRun(String runId, String owner, Instant now, Instant leaseUntil);

    /** Extends the lease; false when the run is no longer running under {@code owner} (cancelled, or taken over). */
    boolean renewLease(String runId, String owner, Instant leaseUntil);

    /** Next pending result of a run owned by {@code owner} → running; empty when none is left (or the run stopped). */
    Optional<Result> startNextResult(String runId, String owner, Instant now, Instant leaseUntil);

    /** running → completed, only while the result is running and its run is running under {@code owner}. */
    boolean completeResult(String runId, String resultId, String owner, String outputJson, Instant now);

    /** running → error, with the same conditions as {@link #completeResult}. */
    boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details, Instant now);

    /** running → completed|error, only while running under {@code owner} and with no result left unfinished. */
    boolean finishRun(String runId, String owner, Lifecycle outcome, Instant now);

    /** How many runs are in each status, all tenants together (for metrics). */
    java.util.Map<LifecycleStatus, Long> countRunsByStatus();

    /** Current status of a run, whoever owns it. */
    Optional<LifecycleStatus> statusOf(String runId);

    /**
     * Start-up recovery for a store that only this process uses (embedded H2): runs left queued or running by a
     * process that died go back to the queue (their running results to pending, attempt + 1).
     *
     * @return how many runs were recovered
     */
    int requeueInterrupted();
}
