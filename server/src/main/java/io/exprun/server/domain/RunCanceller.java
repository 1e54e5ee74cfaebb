package io.exprun.server.domain;

import io.exprun.server.domain.port.RunStore;

/**
 * Cancel, the heart of exprun. One atomic store transition moves the run (pending, queued or running) and all its
 * unfinished results to cancelled; when nothing moved, a second read only explains why (absent or another tenant's:
 * not found; terminal: not cancellable, with its status). A racing completion or second cancel therefore always
 * meets a conditional update that has already decided, and exactly one caller gets the cancelled run. The cancel time
 * is the store's, taken at the update itself: no clock is read here, before the row lock.
 */
public final class RunCanceller {

    /** The API's cancel carries no reason (the contract's request has no body), so every cancel records this one. */
    public static final String DEFAULT_REASON = "Cancelled by API request";

    private final RunStore store;
    private final CancellationListener listener;

    public RunCanceller(RunStore store, CancellationListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /**
     * @return the run in its new cancelled lifecycle
     * @throws RefusedAsNotFound {@code run_not_found} or {@code run_not_cancellable}
     */
    public Run cancel(String tenant, String runId) {
        Run cancelled =
                store.cancelRun(tenant, runId, DEFAULT_REASON).orElseThrow(() -> whyNotCancelled(tenant, runId));
        listener.cancelled(runId); // lets a local worker stop the in-flight document now rather than at its next check
        return cancelled;
    }

    private RefusedAsNotFound whyNotCancelled(String tenant, String runId) {
        return store.findRun(tenant, runId)
                .map(run -> RefusedAsNotFound.notCancellable(runId, run.status()))
                .orElseGet(() -> RefusedAsNotFound.run(runId));
    }

    /** Told of every successful cancel, after commit. */
    @FunctionalInterface
    public interface CancellationListener {
        void cancelled(String runId);
    }
}
