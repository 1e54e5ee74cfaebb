package io.exprun.server.store;

import static io.exprun.server.store.Rows.ACTIVE;
import static io.exprun.server.store.Rows.RESULT_SELECT;
import static io.exprun.server.store.Rows.RUN_COLUMNS;
import static io.exprun.server.store.Rows.TERMINAL;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.RefusedAsNotFound;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.domain.port.RunStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * {@link RunStore}, the API's side of runs and results, on SQLite and PostgreSQL alike: a run created with its
 * results, reads with keyset paging ({@link ListSql}, {@link KeysetPage}), and cancel. Results are read through the
 * view {@code results_view} (migration V4), which owns the derived-cancel rule. Lock order is always run row first,
 * then result rows, as in {@link JdbiWorkerStore}: cancel and the workers never deadlock on each other.
 *
 * <p>Over 250 lines because it is the whole of one port: create, the reads and cancel share the row mappers, and
 * a run's insert and its cancel share the lock order stated here.
 */
public final class JdbiRunStore implements RunStore {

    private final SqlRunner sql;
    private final Rows rows;
    private final boolean groupCancels;
    private final Clock clock;

    /**
     * @param groupCancels whether concurrent cancels share transactions on PostgreSQL; see
     *     {@link #groupCancelsByDefault}. (On SQLite every write is grouped by its one writer, {@link SqliteWriter}.)
     * @param clock        the wall clock a cancel is stamped with (ordered per run: {@link Rows#STAMP})
     */
    public JdbiRunStore(SqlRunner sql, StoredForms forms, boolean groupCancels, Clock clock) {
        this.sql = sql;
        this.rows = new Rows(forms);
        this.groupCancels = groupCancels;
        this.clock = clock;
    }

    /** The latest of a new run's times: where its later transitions start from. */
    private static Instant latest(Run run) {
        return run.completedAt() != null
                ? run.completedAt()
                : run.startedAt() != null ? run.startedAt() : run.createdAt();
    }

    /**
     * PostgreSQL's cancel batching ({@link GroupCommit}): on unless the internal switch
     * {@code -Dexprun.groupCommit=off} says otherwise, which the benchmark flips to measure both ways (docs/benchmarks-archive.md,
     * "Cancel at the storage's speed"). PostgreSQL groups concurrent WAL flushes itself, so a shared transaction saves
     * a commit per cancel but makes each cancel wait for its batch. The same switch makes SQLite's writer commit each
     * write alone.
     */
    public static boolean groupCancelsByDefault() {
        return !GroupCommit.switchedOff();
    }

    // ---- writes ---------------------------------------------------------------------------------

    @Override
    public boolean insertRunIfAbsent(Run run, List<Result> results) {
        try {
            insertRun(run, results);
            return true;
        } catch (StoreException e) {
            if (e.duplicateKey()) {
                return false; // the transaction rolled back whole: none of our results were written either
            }
            throw e;
        }
    }

    /**
     * The run and its results, while its experiment is held (see {@link JdbiExperimentStore#holdExperiment}): a run is
     * never created for an experiment being deleted.
     *
     * @throws RefusedAsNotFound {@code experiment_not_found} when the experiment is gone (deleted meanwhile)
     */
    @Override
    public void insertRun(Run run, List<Result> results) {
        sql.write(h -> {
            if (!JdbiExperimentStore.holdExperiment(h, sql.dialect(), run.tenant(), run.experimentId())) {
                throw RefusedAsNotFound.experiment(run.experimentId());
            }
            h.createUpdate("INSERT INTO runs (" + RUN_COLUMNS + ", last_transition_at) VALUES (:id, :tenant, "
                            + ":experimentId, :workflowId, :workflowVersionId, :blockId, :blockType, :nConsensus, "
                            + ":triggerType, :status, :errorMessage, :errorDetails, :cancelReason, :createdAt, "
                            + ":startedAt, :completedAt, :blockExecutionFingerprint, :documentsFingerprint, "
                            + ":documentCount, :completedDocumentCount, :errorCount, :version, :lastTransitionAt)")
                    .bind("id", run.id())
                    .bind("tenant", run.tenant())
                    .bind("experimentId", run.experimentId())
                    .bind("workflowId", run.workflowId())
                    .bind("workflowVersionId", run.workflowVersionId())
                    .bind("blockId", run.blockId())
                    .bind("blockType", run.blockType())
                    .bind("nConsensus", run.nConsensus())
                    .bind("triggerType", run.triggerType())
                    .bind("status", run.lifecycle().status().wire())
                    .bind("errorMessage", run.lifecycle().message())
                    .bind("errorDetails", rows.toJson(run.lifecycle().details()))
                    .bind("cancelReason", run.lifecycle().reason())
                    .bind("createdAt", Rows.millis(run.createdAt()))
                    .bind("startedAt", Rows.millis(run.startedAt()))
                    .bind("completedAt", Rows.millis(run.completedAt()))
                    .bind("blockExecutionFingerprint", run.blockExecutionFingerprint())
                    .bind("documentsFingerprint", run.documentsFingerprint())
                    .bind("documentCount", run.documentCount())
                    .bind("completedDocumentCount", run.completedDocumentCount())
                    .bind("errorCount", run.errorCount())
                    .bind("version", run.version())
                    .bind("lastTransitionAt", Rows.millis(latest(run)))
                    .execute();
            insertResults(h, results);
            return null;
        });
    }

    private static void insertResults(Handle h, List<Result> results) {
        PreparedBatch batch = h.prepareBatch("INSERT INTO results (id, tenant, run_id, seq, experiment_id, "
                + "document_id, document_filename, document_mime_type, block_type, status, created_at, attempt) "
                + "VALUES (:id, :tenant, :runId, :seq, :experimentId, :documentId, :filename, :mimeType, :blockType, "
                + ":status, :createdAt, :attempt)");
        int seq = 0;
        for (Result r : results) {
            batch.bind("id", r.id())
                    .bind("tenant", r.tenant())
                    .bind("runId", r.runId())
                    .bind("seq", seq++)
                    .bind("experimentId", r.experimentId())
                    .bind("documentId", r.document().id())
                    .bind("filename", r.document().filename())
                    .bind("mimeType", r.document().mimeType())
                    .bind("blockType", r.blockType())
                    .bind("status", r.lifecycle().status().wire())
                    .bind("createdAt", Rows.millis(r.createdAt()))
                    .bind("attempt", r.attempt())
                    .add();
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    @Override
    public Optional<Run> findRun(String tenant, String runId) {
        return sql.findOne("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ? AND tenant = ?", rows.run, runId, tenant);
    }

    @Override
    public Page<Run> listRuns(String tenant, RunQuery q) {
        return sql.read(h -> {
            String cursorId = KeysetPage.cursorId(q.page());
            Optional<Long> createdAt =
                    cursorId == null ? Optional.empty() : KeysetPage.sortKey(h, "runs", "created_at", cursorId, tenant);
            if (cursorId != null && createdAt.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            return KeysetPage.read(h, ListSql.runs(tenant, q, createdAt.orElse(null)), q.page(), rows.run, Run::id);
        });
    }

    @Override
    public Optional<Result> findResult(String tenant, String resultId) {
        return sql.findOne(RESULT_SELECT + " WHERE r.id = ? AND r.tenant = ?", rows.result, resultId, tenant);
    }

    @Override
    public Page<Result> listResults(String tenant, String runId, PageRequest page) {
        return sql.read(h -> {
            String cursorId = KeysetPage.cursorId(page);
            Optional<Long> seq =
                    cursorId == null ? Optional.empty() : KeysetPage.sortKey(h, "results", "seq", cursorId, tenant);
            if (cursorId != null && seq.isEmpty()) {
                return new Page<>(List.of(), null, null); // an unknown cursor points nowhere
            }
            return KeysetPage.read(
                    h,
                    ListSql.results(tenant, runId, page, seq.map(Long::intValue).orElse(null)),
                    page,
                    rows.result,
                    Result::id);
        });
    }

    /** By primary key, in chunks of {@value #IDS_PER_QUERY} ids; a run no longer there counts as ended. */
    @Override
    public Set<String> endedAmong(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Set.of();
        }
        List<String> ids = List.copyOf(runIds);
        return sql.read(h -> {
            Set<String> active = new HashSet<>();
            for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
                var query = h.createQuery("SELECT id FROM runs WHERE status NOT IN " + TERMINAL + " AND id IN ("
                        + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")");
                for (int i = 0; i < chunk.size(); i++) {
                    query.bind(i, chunk.get(i));
                }
                query.mapTo(String.class).forEach(active::add);
            }
            Set<String> ended = new HashSet<>(ids);
            ended.removeAll(active);
            return ended;
        });
    }

    private static final int IDS_PER_QUERY = 500;

    @Override
    public Map<LifecycleStatus, Long> countRunsByStatus() {
        return sql.read(h -> {
            Map<LifecycleStatus, Long> counts = new EnumMap<>(LifecycleStatus.class);
            h.createQuery("SELECT status, COUNT(*) AS n FROM runs GROUP BY status")
                    .map((rs, ctx) -> Map.entry(LifecycleStatus.parse(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    // ---- cancel ---------------------------------------------------------------------------------

    @Override
    public Optional<Run> cancelRun(String tenant, String runId, String reason) {
        CancelRequest request = new CancelRequest(tenant, runId, reason);
        return groupCancels && !sql.writesAreGrouped() ? cancels.submit(request) : sql.write(h -> cancelIn(h, request));
    }

    record CancelRequest(String tenant, String runId, String reason) {}

    /**
     * One cancel inside a (possibly shared) transaction: the conditional single-row update, then the row as it now is.
     * The cancel time is the database's when the row is updated (after any lock wait), so a worker's write that
     * committed first always carries an earlier time. Its unfinished results are cancelled by this same row: see
     * {@link Rows#RESULT_SELECT}.
     */
    private Optional<Run> cancelIn(Handle h, CancelRequest r) {
        long now = clock.millis();
        int cancelled = SqlRunner.update(
                h,
                "UPDATE runs SET status = 'cancelled', cancel_reason = ?, completed_at = GREATEST(?, "
                        + "last_transition_at), last_transition_at = GREATEST(?, last_transition_at), "
                        + "lease_owner = NULL, lease_beat = NULL WHERE id = ? AND tenant = ? AND status IN " + ACTIVE,
                r.reason(),
                now,
                now,
                r.runId(),
                r.tenant());
        if (cancelled == 0) {
            return Optional.empty();
        }
        return SqlRunner.findOne(h, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", rows.run, r.runId());
    }

    /**
     * On PostgreSQL, cancels arriving together share one transaction and one commit. Each cancel is still its own
     * conditional update, so two cancels of one run in one batch give exactly one winner. If a shared transaction
     * fails because the database is unavailable, all its cancels get that answer (503) at once; if a statement
     * failed, each cancel is retried on its own. Fairness and leadership: see {@link GroupCommit}.
     */
    private final GroupCommit<CancelRequest, Optional<Run>> cancels = new GroupCommit<>(64) {
        @Override
        protected List<Optional<Run>> inOneTransaction(List<CancelRequest> batch) {
            return cancelBatch(batch);
        }

        @Override
        protected Optional<Run> alone(CancelRequest r) {
            return sql.write(h -> cancelIn(h, r));
        }

        @Override
        protected boolean unavailable(RuntimeException failure) {
            return failure instanceof StoreException s && s.unavailable();
        }
    };

    /**
     * Cancels in one transaction, locking their runs in run-id order whatever order they arrived in (two instances
     * batching the same runs then take the locks in the same order: no deadlock on PostgreSQL); outcomes in request
     * order.
     */
    List<Optional<Run>> cancelBatch(List<CancelRequest> batch) {
        Integer[] lockOrder = new Integer[batch.size()];
        Arrays.setAll(lockOrder, i -> i);
        Arrays.sort(
                lockOrder, (a, b) -> batch.get(a).runId().compareTo(batch.get(b).runId()));
        return sql.write(h -> {
            List<Optional<Run>> out = new ArrayList<>(Collections.nCopies(batch.size(), Optional.<Run>empty()));
            for (int i : lockOrder) {
                out.set(i, cancelIn(h, batch.get(i)));
            }
            return out;
        });
    }
}
