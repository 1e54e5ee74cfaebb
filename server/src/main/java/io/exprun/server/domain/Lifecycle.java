package io.exprun.server.domain;

import java.util.Objects;

/**
 * Where a run or result stands: its status plus the fields its variant carries
 * ({@code message}/{@code details} for error, {@code reason} for cancelled).
 */
public record Lifecycle(LifecycleStatus status, String message, ErrorInfo details, String reason) {

    public Lifecycle {
        Objects.requireNonNull(status, "status");
    }

    public static Lifecycle of(LifecycleStatus status) {
        return new Lifecycle(status, null, null, null);
    }

    public static Lifecycle error(String message, ErrorInfo details) {
        return new Lifecycle(LifecycleStatus.ERROR, message, details, null);
    }

    public static Lifecycle cancelled(String reason) {
        return new Lifecycle(LifecycleStatus.CANCELLED, null, null, reason);
    }
}
