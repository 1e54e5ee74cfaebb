package io.exprun.client;

import io.exprun.client.generated.model.ExperimentRun;

/** {@link ExperimentRuns#waitFor} gave up: the run was still not terminal when the time ran out. */
public class ExprunWaitTimeoutException extends ExprunException {
    private final transient ExperimentRun lastSeen;

    public ExprunWaitTimeoutException(String message, ExperimentRun lastSeen) {
        super(message, 0, null, null, null);
        this.lastSeen = lastSeen;
    }

    /** The run as last read. */
    public ExperimentRun lastSeen() {
        return lastSeen;
    }
}
