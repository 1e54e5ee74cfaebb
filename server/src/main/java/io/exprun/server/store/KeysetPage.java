package io.exprun.server.store;

import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * One page of a list read by keyset (the SQL is {@link ListSql}'s): {@code after} continues in the requested order
 * past the cursor; {@code before} returns the items just before the cursor, still presented in the requested order.
 * The statement reads one row more than the page to tell whether there are more.
 */
final class KeysetPage {

    private KeysetPage() {}

    static String cursorId(PageRequest p) {
        return p.after() != null ? p.after() : p.before();
    }

    /** The sort key of the row a cursor names, if the tenant has it. */
    static Optional<Long> sortKey(Handle h, String table, String sortColumn, String id, String tenant) {
        return h.createQuery("SELECT " + sortColumn + " FROM " + table + " WHERE id = :id AND tenant = :tenant")
                .bind("id", id)
                .bind("tenant", tenant)
                .mapTo(Long.class)
                .findOne();
    }

    static <T> Page<T> read(
            Handle h, ListSql.Statement statement, PageRequest p, RowMapper<T> mapper, Function<T, String> idOf) {
        Query query = h.createQuery(statement.sql());
        for (int i = 0; i < statement.args().size(); i++) {
            query.bindByType(i, statement.args().get(i), statement.args().get(i).getClass());
        }
        List<T> rows = new ArrayList<>(query.map(mapper).list());
        boolean more = rows.size() > p.limit();
        if (more) {
            rows.remove(rows.size() - 1);
        }
        boolean forward = p.before() == null;
        if (!forward) {
            Collections.reverse(rows);
        }
        if (rows.isEmpty()) {
            return new Page<>(rows, null, null);
        }
        String first = idOf.apply(rows.get(0));
        String last = idOf.apply(rows.get(rows.size() - 1));
        // forward: items exist before this page iff we came from a cursor; after it iff the scan found more.
        String before = forward ? (cursorId(p) != null ? first : null) : (more ? first : null);
        String after = forward ? (more ? last : null) : last;
        return new Page<>(rows, before, after);
    }
}
