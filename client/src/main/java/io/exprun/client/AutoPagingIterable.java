package io.exprun.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every item of a listing, fetched a page at a time as it is iterated: the next page (following
 * {@code list_metadata.after}) is asked for only when the items before it have been consumed. Each iteration starts
 * again from the first page.
 */
public final class AutoPagingIterable<T> implements Iterable<T> {

    /** One page: its items, and the cursor of the next (null on the last). */
    record Page<T>(List<T> items, String after) {}

    private final Function<String, Page<T>> fetch;

    AutoPagingIterable(Function<String, Page<T>> fetch) {
        this.fetch = fetch;
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Page<T> page;
            private int next;

            @Override
            public boolean hasNext() {
                if (page == null) {
                    page = fetch.apply(null);
                }
                while (next >= page.items().size()) {
                    if (page.after() == null) {
                        return false;
                    }
                    page = fetch.apply(page.after());
                    next = 0;
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.items().get(next++);
            }
        };
    }

    /** The same items as a lazy, ordered stream. */
    public Stream<T> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
