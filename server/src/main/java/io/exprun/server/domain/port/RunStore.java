package io.exprun.server.domain.port;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Page;
import io.exprun.server.domain.PageRequest;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunQuery;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The port through which the domain (RunService, RunCanceller) keeps runs and results. Every state change is a
 * conditional update on the current status (never read-then-write), so concurrent cancels, workers and instances
 * always leave one consistent outcome. Reads take the tenant: another tenant's rows are invisible. Transition times
 * are taken by the store at the moment of the update (the database's clock), never passed in: a time read before
 * the row lock could be older than a write that committed first. The workers' side is {@link WorkerStore}.
 */
public interface RunStore {

    /** Inserts a new run and its results atomically. */
    void insertRun(Run run, List<Result> results);

    /** As {@link #insertRun}, unless a run with that id exists already: then nothing is written and false returned. */
    boolean insertRunIfAbsent(Run run, List<Result> results);

    Optional<Run> findRun(String tenant, String runId);

    Page<Run> listRuns(String tenant, RunQuery query);

    /** A result as it reads: one still unfinished in a cancelled run reads cancelled (the store's derived rule). */
    Optional<Result> findResult(String tenant, String resultId);

    Page<Result> listResults(String tenant, String runId, PageRequest page);

    /**
     * One atomic transition: the run pending|queued|running → cancelled (with {@code reason}), and with it every
     * pending|queued|running result of the run reads cancelled with the same reason and time. The results follow
     * from the run's row, so the cost does not grow with the number of results and no reader can ever see a
     * cancelled run with an unfinished result.
     *
     * @return the cancelled run, or empty when no such run of this tenant is cancellable (absent or terminal)
     */
    Optional<Run> cancelRun(String tenant, String runId, String reason);

    /**
     * Of these runs, the ids of those that are terminal now (or gone), whichever instance ended them: one query for
     * all of them, however many wait (for {@link io.exprun.server.domain.RunWaits}).
     */
    Set<String> endedAmong(Collection<String> runIds);

    /** How many runs are in each status, all tenants together (for metrics). */
    Map<LifecycleStatus, Long> countRunsByStatus();
}
