package io.exprun.server.domain;

/** Cursor pagination over a creation-time ordering: {@code before}/{@code after} are ids, at most one set. */
public record PageRequest(String before, String after, int limit, boolean descending) {

    /** The rule, stated here only; the API answers it as a 422 on {@code before}. */
    public static final class BothCursors extends IllegalArgumentException {
        BothCursors() {
            super("before and after are mutually exclusive");
        }
    }

    public PageRequest {
        if (before != null && after != null) {
            throw new BothCursors();
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
