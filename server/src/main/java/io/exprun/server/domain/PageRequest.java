package io.exprun.server.domain;

/** Cursor pagination over a creation-time ordering: {@code before}/{@code after} are ids, at most one set. */
public record PageRequest(String before, String after, int limit, boolean descending) {

    public PageRequest {
        if (before != null && after != null) {
            throw new IllegalArgumentException("before and after are mutually exclusive");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
