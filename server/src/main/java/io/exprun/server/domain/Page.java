package io.exprun.server.domain;

import java.util.List;

/**
 * One page of a listing. {@code before} is the cursor to the previous page (null on the first page),
 * {@code after} the cursor to the next one (null on the last page).
 */
public record Page<T>(List<T> items, String before, String after) {
    public Page {
        items = List.copyOf(items);
    }
}
