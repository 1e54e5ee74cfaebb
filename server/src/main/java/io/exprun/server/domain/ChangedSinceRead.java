package io.exprun.server.domain;

/**
 * A change asked on the condition that the experiment is still as the caller read it (HTTP's {@code If-Match}), when
 * it no longer is: nothing was changed. Carries the experiment as it now is, whose version the caller may read again.
 */
public final class ChangedSinceRead extends RuntimeException {

    private final transient Experiment current;

    public ChangedSinceRead(Experiment current) {
        super("Experiment " + current.id() + " has changed since the ETag given in If-Match: read it again");
        this.current = current;
    }

    public Experiment current() {
        return current;
    }

    public String code() {
        return ErrorCode.PRECONDITION_FAILED.wire();
    }
}
