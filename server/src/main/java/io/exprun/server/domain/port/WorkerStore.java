package io.exprun.server.domain.port;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The port the workers move runs forward through. Tenant-free. A worker ({@code owner}) holds a run through a lease
 * that expires on the database's clock (so clock skew between instances changes nothing), and every write is
 * conditional on the run still running under that owner: a cancel, or another worker's takeover, always wins cleanly.
 */
public interface WorkerStore {

    /** Pending runs → queued, at most {@code limit}; how many moved. */
    int enqueuePending(int limit);

    /**
     * Takes the oldest claimable run (queued, or running with an expired lease: its worker died) for {@code owner},
     * with a lease of {@code lease}. Results left running by a previous owner go back to pending with attempt + 1.
     *
     * @return the claimed run, or empty when nothing is claimable now
     */
    Optional<Run> claimNext(String owner, Duration lease);

    /** Extends the lease; false when the run is no longer running under {@code owner} (cancelled, or taken over). */
    boolean renewLease(String runId, String owner, Duration lease);

    /** Of these runs (run id → owner), the ids still running under their owner: one query for all of them. */
    Set<String> stillOwned(Map<String, String> owners);

    /** Next pending result of a run owned by {@code owner} → running; empty when none is left (or the run stopped). */
    Optional<Result> startNextResult(String runId, String owner, Duration lease);

    /** running → completed, only while the result is running and its run is running under {@code owner}. */
    boolean completeResult(String runId, String resultId, String owner, String outputJson);

    /**
     * running → error, with the same conditions as {@link #completeResult}. The run's first failure is kept with the
     * run (see {@link #firstFailure}), so the run's error survives a takeover by another worker or instance.
     */
    boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details);

    /** The run as it is now, whoever owns it. */
    Optional<Run> run(String runId);

    /** The first failure recorded for the run, whichever worker recorded it. */
    Optional<ErrorInfo> firstFailure(String runId);

    /** running → completed|error, only while running under {@code owner} and with no result left unfinished. */
    boolean finishRun(String runId, String owner, Lifecycle outcome);

    /**
     * A graceful stop: the run goes back to the queue at once (its running result to pending, attempt + 1) so that
     * another instance resumes it without waiting for the lease to expire.
     */
    boolean release(String runId, String owner);

    /**
     * Start-up recovery for a store that only this process uses (the embedded SQLite): runs left queued or running by a
     * process that died go back to the queue (their running results to pending, attempt + 1).
     *
     * @return how many runs were recovered
     */
    int requeueInterrupted();
}
