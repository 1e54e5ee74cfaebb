package io.exprun.server.store;

import static io.exprun.server.store.ListTestData.A;
import static io.exprun.server.store.ListTestData.RUN_WITH_RESULTS;
import static io.exprun.server.store.ListTestData.resultId;
import static io.exprun.server.store.ListTestData.runId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.spec.JsonMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every list shape is read from an index in the order it asks for, stopping after the page: checked on the plan the
 * database makes for exactly the SQL the store runs ({@link ListSql}), after enough rows and ANALYZE that the planner's
 * choice is a real one. One subclass per database supplies the database and how to read its plans; the negative
 * controls show that the same check rejects a plan that reads and sorts the whole tenant. The paging test beside them
 * checks that those same statements page correctly. Longer than most classes because the list shapes are written out
 * here as data, one line each, next to the checks they go through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ListPlansContractTest {

    /** Deep in tenant A's list, the middle one of three runs created in the same millisecond. */
    private static final String CURSOR_RUN = runId(A, 7_001);

    private Database database;

    /** A migrated, empty database of this dialect, used by this class only. */
    abstract Database freshDatabase();

    /**
     * The dialect's plan check: the plan of {@code statement} reads runs or results only through {@code index} (with
     * primary-key lookups besides), as an ordered range under a limit, never by scanning a table and never by sorting
     * more than the limited rows. Fails with the plan when it does not.
     */
    abstract void assertReadsInOrderFrom(Connection c, ListSql.Statement statement, String index) throws SQLException;

    @BeforeAll
    void fill() throws SQLException {
        database = freshDatabase();
        // through the store's own writes (on SQLite the pool only reads)
        database.sql().write(h -> {
            try {
                ListTestData.insert(h.getConnection());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        database.sql().writeEach(h -> h.execute("ANALYZE"));
    }

    @AfterAll
    void close() {
        database.close();
    }

    static Stream<Arguments> runShapes() {
        LocalDate day2 = LocalDate.of(2026, 1, 2);
        return Stream.of(
                shape("first page, newest first", all(first(true)), "runs_by_tenant_created"),
                shape("first page, oldest first", all(first(false)), "runs_by_tenant_created"),
                shape("deep page after a cursor, newest first", all(after(true)), "runs_by_tenant_created"),
                shape("deep page after a cursor, oldest first", all(after(false)), "runs_by_tenant_created"),
                shape("deep page before a cursor, newest first", all(before(true)), "runs_by_tenant_created"),
                shape("deep page before a cursor, oldest first", all(before(false)), "runs_by_tenant_created"),
                shape(
                        "status=pending",
                        query(null, null, null, LifecycleStatus.PENDING, null, null, null, null, first(true)),
                        "runs_by_tenant_status"),
                shape(
                        "status=error after a cursor",
                        query(null, null, null, LifecycleStatus.ERROR, null, null, null, null, after(true)),
                        "runs_by_tenant_status"),
                shape(
                        "exclude_status=completed",
                        query(null, null, null, null, LifecycleStatus.COMPLETED, null, null, null, first(true)),
                        "runs_by_tenant_status"),
                shape(
                        "exclude_status=completed before a cursor, oldest first",
                        query(null, null, null, null, LifecycleStatus.COMPLETED, null, null, null, before(false)),
                        "runs_by_tenant_status"),
                shape(
                        "experiment_id",
                        query(null, "exp-3", null, null, null, null, null, null, first(true)),
                        "runs_by_tenant_experiment"),
                shape(
                        "experiment_id that matches nothing",
                        query(null, "exp-none", null, null, null, null, null, null, first(true)),
                        "runs_by_tenant_experiment"),
                shape(
                        "workflow_id",
                        query("wf-1", null, null, null, null, null, null, null, first(false)),
                        "runs_by_tenant_workflow"),
                shape(
                        "block_id",
                        query(null, null, "block-5", null, null, null, null, null, after(true)),
                        "runs_by_tenant_block"),
                shape(
                        "trigger_type",
                        query(null, null, null, null, null, "manual", null, null, first(true)),
                        "runs_by_tenant_trigger"),
                shape(
                        "from_date and to_date",
                        query(null, null, null, null, null, null, day2, day2, first(true)),
                        "runs_by_tenant_created"),
                shape(
                        "status within a date range",
                        query(null, null, null, LifecycleStatus.ERROR, null, null, day2, day2, first(false)),
                        "runs_by_tenant_status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runShapes")
    void a_run_list_reads_one_page_in_order_from_an_index(String shape, RunQuery query, String index)
            throws SQLException {
        try (Connection c = database.pool().getConnection()) {
            Long cursorCreatedAt = cursorOf(query.page()) == null ? null : key(c, "runs", "created_at", CURSOR_RUN);
            assertReadsInOrderFrom(c, ListSql.runs(A, query, cursorCreatedAt), index);
        }
    }

    static Stream<Arguments> resultShapes() {
        String mid = resultId(1_500);
        return Stream.of(
                arguments("first page", new PageRequest(null, null, 20, false)),
                arguments("after a cursor", new PageRequest(null, mid, 20, false)),
                arguments("before a cursor", new PageRequest(mid, null, 20, false)),
                arguments("after a cursor, last first", new PageRequest(null, mid, 20, true)));
    }

    @ParameterizedTest(name = "results of a run: {0}")
    @MethodSource("resultShapes")
    void a_run_s_results_are_read_one_page_in_order_from_an_index(String shape, PageRequest page) throws SQLException {
        try (Connection c = database.pool().getConnection()) {
            String cursor = cursorOf(page);
            Integer seq = cursor == null ? null : (int) key(c, "results", "seq", cursor);
            assertReadsInOrderFrom(c, ListSql.results(A, RUN_WITH_RESULTS, page, seq), "results_run_seq");
        }
    }

    @Test
    void negative_control_a_list_ordered_by_a_column_no_index_covers_is_rejected() throws SQLException {
        ListSql.Statement unsorted = new ListSql.Statement(
                "SELECT " + Rows.RUN_COLUMNS
                        + " FROM runs WHERE tenant = ? ORDER BY tenant DESC, completed_at DESC, id DESC LIMIT ?",
                List.of(A, 21));
        try (Connection c = database.pool().getConnection()) {
            assertThatThrownBy(() -> assertReadsInOrderFrom(c, unsorted, "runs_by_tenant_created"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void negative_control_exclude_status_as_a_plain_filter_is_rejected() throws SQLException {
        // one read of the tenant's runs that skips the excluded ones: as many rows as that status has
        ListSql.Statement filtered = new ListSql.Statement(
                "SELECT " + Rows.RUN_COLUMNS
                        + " FROM runs WHERE tenant = ? AND status <> ? ORDER BY created_at DESC, id DESC LIMIT ?",
                List.of(A, "completed", 21));
        try (Connection c = database.pool().getConnection()) {
            assertThatThrownBy(() -> assertReadsInOrderFrom(c, filtered, "runs_by_tenant_status"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    static Stream<Arguments> pagedShapes() {
        return Stream.of(
                paged(
                        "exclude_status=completed",
                        query(null, null, null, null, LifecycleStatus.COMPLETED, null, null, null, first(true)),
                        i -> ListTestData.status(i) != LifecycleStatus.COMPLETED),
                paged(
                        "status=pending",
                        query(null, null, null, LifecycleStatus.PENDING, null, null, null, null, first(true)),
                        i -> ListTestData.status(i) == LifecycleStatus.PENDING),
                paged(
                        "experiment_id",
                        query(null, "exp-3", null, null, null, null, null, null, first(true)),
                        i -> i % 40 == 3),
                paged(
                        "workflow_id and trigger_type",
                        query("wf-1", null, null, null, null, "manual", null, null, first(true)),
                        i -> i % 4 == 1 && i % 5 > 1));
    }

    /**
     * The same statements page correctly: forwards with {@code after} through every match in order (pages of 50 cut
     * through runs created in the same millisecond), then back from the end with {@code before}, in both orders.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pagedShapes")
    void paging_both_ways_returns_every_match_once_in_order(String shape, RunQuery filters, IntPredicate matches) {
        JdbiRunStore reads = new JdbiRunStore(
                database.sql(),
                StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES),
                false,
                java.time.Clock.systemUTC());
        for (boolean newestFirst : new boolean[] {true, false}) {
            List<String> expected = IntStream.range(0, ListTestData.RUNS_OF_A)
                    .filter(matches)
                    .mapToObj(i -> runId(A, i))
                    .collect(Collectors.toCollection(ArrayList::new));
            if (newestFirst) {
                Collections.reverse(expected);
            }
            List<String> forwards = new ArrayList<>();
            List<List<String>> pages = new ArrayList<>();
            Page<Run> page = reads.listRuns(A, paged(filters, null, null, newestFirst));
            while (true) {
                List<String> ids = page.items().stream().map(Run::id).toList();
                forwards.addAll(ids);
                pages.add(ids);
                if (page.after() == null) {
                    break;
                }
                page = reads.listRuns(A, paged(filters, null, page.after(), newestFirst));
            }
            assertThat(forwards).as("%s, newest first: %s", shape, newestFirst).isEqualTo(expected);

            String before = pages.get(pages.size() - 1).get(0);
            for (int n = pages.size() - 2; n >= 0; n--) {
                Page<Run> back = reads.listRuns(A, paged(filters, before, null, newestFirst));
                assertThat(back.items())
                        .extracting(Run::id)
                        .as("page %d back, newest first: %s", n, newestFirst)
                        .isEqualTo(pages.get(n));
                before = back.before();
            }
            assertThat(before).as("no page before the first").isNull();
        }
    }

    private static RunQuery paged(RunQuery q, String before, String after, boolean newestFirst) {
        return new RunQuery(
                q.workflowId(),
                q.experimentId(),
                q.blockId(),
                q.status(),
                q.excludeStatus(),
                q.triggerType(),
                q.fromDate(),
                q.toDate(),
                new PageRequest(before, after, 50, newestFirst));
    }

    private static Arguments paged(String name, RunQuery filters, IntPredicate matches) {
        return arguments(name, filters, matches);
    }

    /** Binds the statement's arguments by their types, as {@link KeysetPage} does. */
    static PreparedStatement prepare(Connection c, String sql, ListSql.Statement statement) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < statement.args().size(); i++) {
            Object arg = statement.args().get(i);
            if (arg instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (arg instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, (String) arg);
            }
        }
        return ps;
    }

    // ---- shapes -----------------------------------------------------------------------------------

    private static Arguments shape(String name, RunQuery query, String index) {
        return arguments(name, query, index);
    }

    private static RunQuery all(PageRequest page) {
        return RunQuery.all(page);
    }

    private static RunQuery query(
            String workflow,
            String experiment,
            String block,
            LifecycleStatus status,
            LifecycleStatus exclude,
            String trigger,
            LocalDate from,
            LocalDate to,
            PageRequest page) {
        return new RunQuery(workflow, experiment, block, status, exclude, trigger, from, to, page);
    }

    private static PageRequest first(boolean newestFirst) {
        return new PageRequest(null, null, 20, newestFirst);
    }

    private static PageRequest after(boolean newestFirst) {
        return new PageRequest(null, CURSOR_RUN, 20, newestFirst);
    }

    private static PageRequest before(boolean newestFirst) {
        return new PageRequest(CURSOR_RUN, null, 20, newestFirst);
    }

    private static String cursorOf(PageRequest p) {
        return p.after() != null ? p.after() : p.before();
    }

    private static long key(Connection c, String table, String column, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
