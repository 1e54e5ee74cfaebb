package io.exprun.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.config.Dialect;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;
import io.exprun.server.domain.port.RunStore;
import io.exprun.server.domain.port.WorkerStore;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The domain's ports ({@link RunStore}, {@link WorkerStore}) over JDBC, on SQLite and PostgreSQL alike. This class only
 * routes; the SQL lives by responsibility: {@link RunReads} (reads, keyset paging), {@link CancelBatch} (cancel, group
 * committed), {@link RunTransitions} (a result or run moving on), {@link WorkerClaims} (claims and leases), all on the
 * helper {@link JdbcSupport}. Lock order is always run row first, then result rows: cancel and the workers can never
 * deadlock on each other. Derived rules live in the database (the view {@code results_view}).
 */
public final class JdbcRunStore implements RunStore, WorkerStore {

    private final RunReads reads;
    private final CancelBatch cancelBatch;
    private final RunTransitions transitions;
    private final WorkerClaims claims;

    /**
     * @param dialect        the database in use, decided once ({@link Dialect#of}); the worker claims differ by it
     * @param groupCancels   whether concurrent cancels share transactions; see {@link #groupCancelsByDefault}
     */
    public JdbcRunStore(DataSource dataSource, ObjectMapper json, Dialect dialect, boolean groupCancels) {
        RowMapping rows = new RowMapping(json);
        this.reads = new RunReads(dataSource, rows);
        this.cancelBatch = new CancelBatch(dataSource, rows, groupCancels);
        this.transitions = new RunTransitions(dataSource, rows);
        this.claims = new WorkerClaims(dataSource, rows, dialect == Dialect.POSTGRESQL);
    }

    /**
     * Group commit pays on both databases (BENCHMARKS.md, "Cancel against the storage's own limit": 32 connections,
     * same sitting, SQLite 2,682 vs 468 cancels/s without it, PostgreSQL 2,140 vs 1,500): on the embedded SQLite
     * every durable commit is a serialized fsync; PostgreSQL groups concurrent WAL flushes itself, yet a shared
     * transaction still saves a commit per cancel. The internal system property {@code exprun.groupCommit=off} turns
     * it off, for measuring both ways.
     */
    public static boolean groupCancelsByDefault() {
        return !System.getProperty("exprun.groupCommit", "").trim().equalsIgnoreCase("off");
    }

    // ---- RunStore: the API's side ---------------------------------------------------------------

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

    @Override
    public void insertRun(Run run, List<Result> results) {
        transitions.insertRun(run, results);
    }

    @Override
    public Optional<Run> findRun(String tenant, String runId) {
        return reads.findRun(tenant, runId);
    }

    @Override
    public Page<Run> listRuns(String tenant, RunQuery query) {
        return reads.listRuns(tenant, query);
    }

    @Override
    public Optional<Result> findResult(String tenant, String resultId) {
        return reads.findResult(tenant, resultId);
    }

    @Override
    public Page<Result> listResults(String tenant, String runId, PageRequest page) {
        return reads.listResults(tenant, runId, page);
    }

    @Override
    public Optional<Run> cancelRun(String tenant, String runId, String reason) {
        return cancelBatch.cancelRun(tenant, runId, reason);
    }

    @Override
    public Map<LifecycleStatus, Long> countRunsByStatus() {
        return reads.countRunsByStatus();
    }

    // ---- WorkerStore: the workers' side ---------------------------------------------------------

    @Override
    public int enqueuePending(int limit) {
        return claims.enqueuePending(limit);
    }

    @Override
    public Optional<Run> claimNext(String owner, Duration lease) {
        return claims.claimNext(owner, lease);
    }

    // ---- not ports: for tests and tools that move one given run by hand --------------------------------

    /** This run pending → queued; false when it was not pending. */
    public boolean enqueue(String runId) {
        return claims.enqueue(runId);
    }

    /** {@link #claimNext} for one given run: empty when it is not claimable now. */
    public Optional<Run> claim(String runId, String owner, Duration lease) {
        return claims.claim(runId, owner, lease);
    }

    @Override
    public boolean renewLease(String runId, String owner, Duration lease) {
        return claims.renewLease(runId, owner, lease);
    }

    @Override
    public Set<String> stillOwned(Map<String, String> owners) {
        return claims.stillOwned(owners);
    }

    @Override
    public Optional<Result> startNextResult(String runId, String owner, Duration lease) {
        return transitions.startNextResult(runId, owner, lease);
    }

    @Override
    public boolean completeResult(String runId, String resultId, String owner, String outputJson) {
        return transitions.completeResult(runId, resultId, owner, outputJson);
    }

    @Override
    public boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details) {
        return transitions.failResult(runId, resultId, owner, message, details);
    }

    @Override
    public Optional<Run> run(String runId) {
        return reads.run(runId);
    }

    @Override
    public Optional<ErrorInfo> firstFailure(String runId) {
        return transitions.firstFailure(runId);
    }

    @Override
    public boolean finishRun(String runId, String owner, Lifecycle outcome) {
        return transitions.finishRun(runId, owner, outcome);
    }

    @Override
    public boolean release(String runId, String owner) {
        return claims.release(runId, owner);
    }

    @Override
    public int requeueInterrupted() {
        return claims.requeueInterrupted();
    }
}
