package io.exprun.server.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A select's column list, written once: its SQL, and each column's 1-based position for reading a row by index. */
record ColumnList(List<String> names, Map<String, Integer> positions) {

    static ColumnList of(String... names) {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (positions.put(names[i], i + 1) != null) {
                throw new IllegalArgumentException("column listed twice: " + names[i]);
            }
        }
        return new ColumnList(List.of(names), Map.copyOf(positions));
    }

    /** The list for a SELECT, each name prefixed (a table alias and its dot, or nothing). */
    String sql(String prefix) {
        return prefix + String.join(", " + prefix, names);
    }

    /** The position of a column of this list; a name not in it is a programming error. */
    int at(String name) {
        Integer position = positions.get(name);
        if (position == null) {
            throw new IllegalArgumentException("not a column of this list: " + name);
        }
        return position;
    }
}
