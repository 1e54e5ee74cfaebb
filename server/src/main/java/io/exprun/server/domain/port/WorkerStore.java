package io.exprun.server.domain.port;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The port the workers move runs forward through. Tenant-free. A worker ({@code owner}) holds a run through a lease
 * that it renews by moving the run's lease beat; a lease is not a time on anyone's clock: whoever sees the beat stand
 * still for a lease's length on its own monotonic clock may take the run over ({@link #takeOver}). Every write is
 * conditional on the run still running under its owner: a cancel, or another worker's takeover, always wins cleanly.
 */
public interface WorkerStore {

    /** A running run's lease as last seen: its owner and the beat its renewals move. */
    record Lease(String runId, String owner, long beat) {}

    /** Pending runs → queued, at most {@code limit}; how many moved. */
    int enqueuePending(int limit);

    /**
     * Takes the oldest queued run for {@code owner}: running, with a lease.
     *
     * @return the claimed run, or empty when nothing is claimable now
     */
    Optional<Run> claimNext(String owner);

    /** The lease of every running run, for a watcher that judges which of them stand still. */
    List<Lease> runningLeases();

    /**
     * Takes a run over from an owner whose lease stood still (its worker died), only if the lease is still exactly as
     * seen. Results it left running go back to pending with attempt + 1.
     *
     * @return the run, now {@code owner}'s; empty when the lease moved meanwhile (its owner lives, or another took it)
     */
    Optional<Run> takeOver(Lease stale, String owner);

    /** Renews the lease; false when the run is no longer running under {@code owner} (cancelled, or taken over). */
    boolean renewLease(String runId, String owner);

    /** Of these runs (run id → owner), the ids still running under their owner: one query for all of them. */
    Set<String> stillOwned(Map<String, String> owners);

    /**
     * Next pending result of a run owned by {@code owner} → running, renewing the lease; empty when none is left (or
     * the run stopped).
     */
    Optional<Result> startNextResult(String runId, String owner);

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
     * another instance resumes it without waiting for its lease to stand still.
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
