package io.exprun.server.store;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.RunQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every list shape is read from an index in the order it asks for, stopping after the page: checked on the plan the
 * database makes for exactly the SQL the store runs ({@link ListSql}), after enough rows and ANALYZE that the planner's
 * choice is a real one. One subclass per database supplies the database and how to read its plans; the negative
 * controls show that the same check rejects a plan that reads and sorts the whole tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ListPlansContractTest {

    static final String A = "tenant-a";
    static final String B = "tenant-b";
    private static final int RUNS_OF_A = 15_000;
    private static final int RUNS_OF_B = 5_000;
    private static final long START = LocalDate.of(2026, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    /** Deep in tenant A's list, the middle one of three runs created in the same millisecond. */
    private static final String CURSOR_RUN = runId(A, 7_001);
    /** The run whose results are listed; every other run of tenant A has {@link #RESULTS_PER_RUN}. */
    private static final String RUN_WITH_RESULTS = runId(A, 42);
    private static final int RESULTS_OF_RUN = 3_000;
    private static final int RESULTS_PER_RUN = 2;

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
        try (Connection c = database.pool().getConnection()) {
            c.setAutoCommit(false);
            insertRuns(c, A, RUNS_OF_A);
            insertRuns(c, B, RUNS_OF_B);
            insertResults(c);
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
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
                shape("status=pending", query(null, null, null, LifecycleStatus.PENDING, null, null, null, null,
                        first(true)), "runs_by_tenant_status"),
                shape("status=error after a cursor", query(null, null, null, LifecycleStatus.ERROR, null,
                        null, null, null, after(true)), "runs_by_tenant_status"),
                shape("exclude_status=completed", query(null, null, null, null, LifecycleStatus.COMPLETED, null,
                        null, null, first(true)), "runs_by_tenant_status"),
                shape("exclude_status=completed before a cursor, oldest first", query(null, null, null, null,
                        LifecycleStatus.COMPLETED, null, null, null, before(false)), "runs_by_tenant_status"),
                shape("experiment_id", query(null, "exp-3", null, null, null, null, null, null, first(true)),
                        "runs_by_tenant_experiment"),
                shape("experiment_id that matches nothing", query(null, "exp-none", null, null, null, null, null,
                        null, first(true)), "runs_by_tenant_experiment"),
                shape("workflow_id", query("wf-1", null, null, null, null, null, null, null, first(false)),
                        "runs_by_tenant_workflow"),
                shape("block_id", query(null, null, "block-5", null, null, null, null, null, after(true)),
                        "runs_by_tenant_block"),
                shape("trigger_type", query(null, null, null, null, null, "manual", null, null, first(true)),
                        "runs_by_tenant_trigger"),
                shape("from_date and to_date", query(null, null, null, null, null, null, day2, day2, first(true)),
                        "runs_by_tenant_created"),
                shape("status within a date range", query(null, null, null, LifecycleStatus.ERROR, null, null, day2,
                        day2, first(false)), "runs_by_tenant_status"));
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
    void a_run_s_results_are_read_one_page_in_order_from_an_index(String shape, PageRequest page)
            throws SQLException {
        try (Connection c = database.pool().getConnection()) {
            String cursor = cursorOf(page);
            Integer seq = cursor == null ? null : (int) key(c, "results", "seq", cursor);
            assertReadsInOrderFrom(c, ListSql.results(A, RUN_WITH_RESULTS, page, seq), "results_run_seq");
        }
    }

    @Test
    void negative_control_a_list_ordered_by_a_column_no_index_covers_is_rejected() throws SQLException {
        ListSql.Statement unsorted = new ListSql.Statement("SELECT " + JdbcSupport.RUN_COLUMNS
                + " FROM runs WHERE tenant = ? ORDER BY tenant DESC, completed_at DESC, id DESC LIMIT ?", List.of(A, 21));
        try (Connection c = database.pool().getConnection()) {
            assertThatThrownBy(() -> assertReadsInOrderFrom(c, unsorted, "runs_by_tenant_created"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void negative_control_exclude_status_as_a_plain_filter_is_rejected() throws SQLException {
        // one read of the tenant's runs that skips the excluded ones: as many rows as that status has
        ListSql.Statement filtered = new ListSql.Statement("SELECT " + JdbcSupport.RUN_COLUMNS
                + " FROM runs WHERE tenant = ? AND status <> ? ORDER BY created_at DESC, id DESC LIMIT ?",
                List.of(A, "completed", 21));
        try (Connection c = database.pool().getConnection()) {
            assertThatThrownBy(() -> assertReadsInOrderFrom(c, filtered, "runs_by_tenant_status"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    /** Binds the statement's arguments as {@link RunReads} does. */
    static PreparedStatement prepare(Connection c, String sql, ListSql.Statement statement) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        JdbcSupport.bind(ps, statement.args().toArray());
        return ps;
    }

    // ---- data -------------------------------------------------------------------------------------

    private static Arguments shape(String name, RunQuery query, String index) {
        return arguments(name, query, index);
    }

    private static RunQuery all(PageRequest page) {
        return RunQuery.all(page);
    }

    private static RunQuery query(String workflow, String experiment, String block, LifecycleStatus status,
                                  LifecycleStatus exclude, String trigger, LocalDate from, LocalDate to,
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

    static String runId(String tenant, int i) {
        return String.format("run-%s-%05d", tenant, i);
    }

    private static String resultId(int seq) {
        return String.format("res-%05d", seq);
    }

    /**
     * Statuses, experiments, workflows, blocks and triggers spread so that each filter matches a share of the tenant
     * (pending, queued and running few, completed most); three runs per creation time, so cursors meet ties.
     */
    private static void insertRuns(Connection c, String tenant, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (id, tenant, experiment_id, workflow_id,"
                + " workflow_version_id, block_id, block_type, n_consensus, trigger_type, status, created_at,"
                + " block_execution_fingerprint, documents_fingerprint, document_count)"
                + " VALUES (?, ?, ?, ?, 'wfv', ?, 'extract', 1, ?, ?, ?, 'bf', 'df', 5)")) {
            for (int i = 0; i < count; i++) {
                ps.setString(1, runId(tenant, i));
                ps.setString(2, tenant);
                ps.setString(3, "exp-" + i % 40);
                ps.setString(4, "wf-" + i % 4);
                ps.setString(5, "block-" + i % 8);
                if (i % 5 == 0) {
                    ps.setNull(6, Types.VARCHAR);
                } else {
                    ps.setString(6, i % 5 == 1 ? "schedule" : "manual");
                }
                ps.setString(7, status(i).wire());
                ps.setLong(8, START + (i / 3) * 60_000L);
                ps.addBatch();
                if (i % 1_000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static LifecycleStatus status(int i) {
        return switch (i % 50) {
            case 0 -> LifecycleStatus.PENDING;
            case 1 -> LifecycleStatus.QUEUED;
            case 2 -> LifecycleStatus.RUNNING;
            default -> i % 10 == 3 ? LifecycleStatus.ERROR
                    : i % 10 == 4 ? LifecycleStatus.CANCELLED : LifecycleStatus.COMPLETED;
        };
    }

    private static void insertResults(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO results (id, tenant, run_id, seq, experiment_id,"
                + " document_id, block_type, status, created_at) VALUES (?, ?, ?, ?, 'exp-2', 'doc', 'extract', ?, ?)")) {
            int rows = 0;
            for (int run = 0; run < RUNS_OF_A; run++) {
                String runId = runId(A, run);
                int count = runId.equals(RUN_WITH_RESULTS) ? RESULTS_OF_RUN : RESULTS_PER_RUN;
                for (int seq = 0; seq < count; seq++) {
                    ps.setString(1, runId.equals(RUN_WITH_RESULTS) ? resultId(seq) : "res-" + runId + "-" + seq);
                    ps.setString(2, A);
                    ps.setString(3, runId);
                    ps.setInt(4, seq);
                    ps.setString(5, seq < count / 3 ? "completed" : "pending");
                    ps.setLong(6, START);
                    ps.addBatch();
                    if (++rows % 1_000 == 0) {
                        ps.executeBatch();
                    }
                }
            }
            ps.executeBatch();
        }
    }
}
