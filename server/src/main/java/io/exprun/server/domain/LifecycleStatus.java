package io.exprun.server.domain;

import java.util.Arrays;
import java.util.Optional;

/** The six lifecycle states shared by runs and results, and the rules about them. */
public enum LifecycleStatus {
    PENDING,
    QUEUED,
    RUNNING,
    COMPLETED,
    ERROR,
    CANCELLED;

    /** The value on the wire and in the database: the lower-case name. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Pending, queued and running work can still be cancelled; terminal states cannot. */
    public boolean isCancellable() {
        return this == PENDING || this == QUEUED || this == RUNNING;
    }

    public boolean isTerminal() {
        return !isCancellable();
    }

    public static Optional<LifecycleStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    public static LifecycleStatus parse(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown lifecycle status " + value));
    }
}
