package io.exprun.server.store;

import static io.exprun.server.store.Rows.ACTIVE;
import static io.exprun.server.store.Rows.RESULT_SELECT;
import static io.exprun.server.store.Rows.RUN_COLUMNS;
import static io.exprun.server.store.Rows.STAMP;

import io.exprun.server.config.Dialect;
import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.port.WorkerStore;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link WorkerStore}: which worker holds which run (claims, lease beats, takeovers, releases) and a run's life after
 * its creation, one conditional update at a time (a result starts, completes or fails; the run finishes).
 *
 * <p>Every write takes the run's row first (lock order run → results, as cancel does) and stamps its time there
 * ({@link Rows#STAMP}): the writer's clock, but never before the run's latest time, so a cancel committed before a
 * worker's write always carries the earlier time and a result never completes before it started, whatever the clocks
 * of the instances do. On PostgreSQL a claim locks its candidate with {@code FOR UPDATE SKIP LOCKED}, so concurrent
 * workers never queue on one row; SQLite takes the portable path (conditional updates on a few candidates, the loser
 * moves on to the next).
 *
 * <p>A little over 250 lines on purpose: it is the whole of one port, and the claim, lease and transition statements
 * share one lock order that is easier to check in one file.
 */
public final class JdbiWorkerStore implements WorkerStore {

    private static final String RUN_BY_ID = "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = :id";
    private static final String REQUEUE_RUNNING_RESULTS = "UPDATE results SET status = 'pending', started_at = NULL, "
            + "attempt = attempt + 1 WHERE run_id = :runId AND status = 'running'";
    /** A run's transition: its time stamped, its latest time moved there (see {@link Rows#STAMP}). */
    private static final String STAMPED = "last_transition_at = " + STAMP;
    /** The run's latest time, which the statement before stamped: a result's transition time. */
    private static final String RUN_STAMP = "(SELECT last_transition_at FROM runs WHERE id = :runId)";

    private final SqlRunner sql;
    private final Rows rows;
    private final Clock clock;

    /** @param clock the wall clock transitions are stamped with (ordered per run: {@link Rows#STAMP}) */
    public JdbiWorkerStore(SqlRunner sql, StoredForms forms, Clock clock) {
        this.sql = sql;
        this.rows = new Rows(forms);
        this.clock = clock;
    }

    // ---- claims and leases ----------------------------------------------------------------------

    /** Looks first (a read, as every worker does before each claim), writes only when there is something to move. */
    @Override
    public int enqueuePending(int limit) {
        List<String> pending =
                sql.read(h -> h.createQuery("SELECT id FROM runs WHERE status = 'pending' ORDER BY created_at, id")
                        .setMaxRows(limit)
                        .mapTo(String.class)
                        .list());
        if (pending.isEmpty()) {
            return 0;
        }
        return sql.write(h -> {
            int moved = 0;
            for (String id : pending) {
                moved += h.createUpdate("UPDATE runs SET status = 'queued' WHERE id = :id AND status = 'pending'")
                        .bind("id", id)
                        .execute();
            }
            return moved;
        });
    }

    @Override
    public Optional<Run> claimNext(String owner) {
        if (sql.dialect() == Dialect.POSTGRESQL) {
            return sql.write(h -> h.createQuery("SELECT id FROM runs WHERE status = 'queued'"
                            + " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED")
                    .mapTo(String.class)
                    .findOne()
                    .flatMap(id -> claimIn(h, id, owner)));
        }
        List<String> candidates =
                sql.read(h -> h.createQuery("SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id")
                        .setMaxRows(8)
                        .mapTo(String.class)
                        .list());
        for (String id : candidates) {
            Optional<Run> claimed = claim(id, owner);
            if (claimed.isPresent()) {
                return claimed;
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #claimNext} for one given run: empty when it is not queued now. Not a port: for tests that move one
     * given run by hand.
     */
    public Optional<Run> claim(String runId, String owner) {
        return sql.write(h -> claimIn(h, runId, owner));
    }

    /** This run pending → queued; false when it was not pending. Not a port: for tests. */
    public boolean enqueue(String runId) {
        return sql.write(h -> h.createUpdate("UPDATE runs SET status = 'queued' WHERE id = :id AND status = 'pending'")
                        .bind("id", runId)
                        .execute()
                == 1);
    }

    /** Conditional: without SKIP LOCKED another worker may have taken the run since it was listed. */
    private Optional<Run> claimIn(Handle h, String runId, String owner) {
        int claimed = h.createUpdate("UPDATE runs SET status = 'running', started_at = " + STAMP + ", " + STAMPED
                        + ", lease_owner = :owner, lease_beat = 0 WHERE id = :id AND status = 'queued'")
                .bind("now", clock.millis())
                .bind("owner", owner)
                .bind("id", runId)
                .execute();
        return claimed == 0
                ? Optional.empty()
                : h.createQuery(RUN_BY_ID).bind("id", runId).map(rows.run).findOne();
    }

    @Override
    public List<Lease> runningLeases() {
        return sql.read(h -> h.createQuery("SELECT id, lease_owner, lease_beat FROM runs WHERE status = 'running'")
                .map((rs, ctx) -> new Lease(rs.getString("id"), rs.getString("lease_owner"), rs.getLong("lease_beat")))
                .list());
    }

    @Override
    public Optional<Run> takeOver(Lease stale, String owner) {
        return sql.write(h -> {
            int taken = h.createUpdate("UPDATE runs SET lease_owner = :owner, lease_beat = lease_beat + 1 "
                            + "WHERE id = :id AND status = 'running' AND lease_owner = :stale AND lease_beat = :beat")
                    .bind("owner", owner)
                    .bind("id", stale.runId())
                    .bind("stale", stale.owner())
                    .bind("beat", stale.beat())
                    .execute();
            if (taken == 0) {
                return Optional.<Run>empty();
            }
            // the previous owner died mid-document: that document runs again, as a new attempt
            h.createUpdate(REQUEUE_RUNNING_RESULTS).bind("runId", stale.runId()).execute();
            return h.createQuery(RUN_BY_ID)
                    .bind("id", stale.runId())
                    .map(rows.run)
                    .findOne();
        });
    }

    @Override
    public boolean renewLease(String runId, String owner) {
        return sql.write(h -> h.createUpdate("UPDATE runs SET lease_beat = lease_beat + 1 "
                                + "WHERE id = :id AND status = 'running' AND lease_owner = :owner")
                        .bind("id", runId)
                        .bind("owner", owner)
                        .execute()
                == 1);
    }

    @Override
    public Set<String> stillOwned(Map<String, String> owners) {
        if (owners.isEmpty()) {
            return Set.of();
        }
        return sql.read(h -> {
            Set<String> owned = new HashSet<>();
            List<String> ids = List.copyOf(owners.keySet());
            Query query = h.createQuery("SELECT id, lease_owner FROM runs WHERE status = 'running' AND id IN ("
                    + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")");
            for (int i = 0; i < ids.size(); i++) {
                query.bind(i, ids.get(i));
            }
            query.map((rs, ctx) -> Map.entry(rs.getString("id"), String.valueOf(rs.getString("lease_owner"))))
                    .forEach(e -> {
                        if (e.getValue().equals(owners.get(e.getKey()))) {
                            owned.add(e.getKey());
                        }
                    });
            return owned;
        });
    }

    @Override
    public boolean release(String runId, String owner) {
        return sql.write(h -> {
            if (h.createUpdate("UPDATE runs SET status = 'queued', lease_owner = NULL, lease_beat = NULL "
                                    + "WHERE id = :id AND status = 'running' AND lease_owner = :owner")
                            .bind("id", runId)
                            .bind("owner", owner)
                            .execute()
                    == 0) {
                return false;
            }
            h.createUpdate(REQUEUE_RUNNING_RESULTS).bind("runId", runId).execute();
            return true;
        });
    }

    @Override
    public int requeueInterrupted() {
        return sql.write(h -> {
            h.createUpdate("UPDATE results SET status = 'pending', started_at = NULL, attempt = attempt + 1 "
                            + "WHERE status = 'running' AND run_id IN (SELECT id FROM runs WHERE status = 'running')")
                    .execute();
            return h.createUpdate("UPDATE runs SET status = 'queued', lease_owner = NULL, lease_beat = NULL "
                            + "WHERE status = 'running'")
                    .execute();
        });
    }

    // ---- a run's progress -----------------------------------------------------------------------

    @Override
    public Optional<Result> startNextResult(String runId, String owner) {
        return sql.write(h -> {
            // renews the lease and locks the run row first (lock order run → results)
            if (h.createUpdate("UPDATE runs SET lease_beat = lease_beat + 1, " + STAMPED
                                    + " WHERE id = :runId AND status = 'running' AND lease_owner = :owner")
                            .bind("now", clock.millis())
                            .bind("runId", runId)
                            .bind("owner", owner)
                            .execute()
                    == 0) {
                return Optional.empty();
            }
            Optional<String> next = h.createQuery(
                            "SELECT id FROM results WHERE run_id = :runId AND status = " + "'pending' ORDER BY seq")
                    .bind("runId", runId)
                    .setMaxRows(1)
                    .mapTo(String.class)
                    .findFirst();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            h.createUpdate("UPDATE results SET status = 'running', started_at = " + RUN_STAMP
                            + " WHERE id = :id AND status = 'pending'")
                    .bind("runId", runId)
                    .bind("id", next.get())
                    .execute();
            return h.createQuery(RESULT_SELECT + " WHERE r.id = :id")
                    .bind("id", next.get())
                    .map(rows.result)
                    .findOne();
        });
    }

    @Override
    public boolean completeResult(String runId, String resultId, String owner, String outputJson) {
        return sql.write(h -> {
            int run = h.createUpdate("UPDATE runs SET completed_document_count = completed_document_count + 1, "
                            + STAMPED + " WHERE id = :runId AND status = 'running' AND lease_owner = :owner")
                    .bind("now", clock.millis())
                    .bind("runId", runId)
                    .bind("owner", owner)
                    .execute();
            return run == 1
                    && finishResult(
                            h,
                            h.createUpdate("UPDATE results SET status = 'completed', output_json = :output, "
                                            + "completed_at = " + RUN_STAMP
                                            + " WHERE id = :id AND run_id = :runId AND status = 'running'")
                                    .bind("output", outputJson)
                                    .bind("id", resultId)
                                    .bind("runId", runId)
                                    .execute());
        });
    }

    /** Also keeps the run's first failure with the run: the run's error must not depend on one worker's memory. */
    @Override
    public boolean failResult(String runId, String resultId, String owner, String message, ErrorInfo details) {
        String stored = rows.toJson(details);
        return sql.write(h -> {
            int run = h.createUpdate("UPDATE runs SET error_count = error_count + 1, first_failure = "
                            + "COALESCE(first_failure, :details), " + STAMPED
                            + " WHERE id = :runId AND status = 'running' AND lease_owner = :owner")
                    .bind("now", clock.millis())
                    .bind("details", stored)
                    .bind("runId", runId)
                    .bind("owner", owner)
                    .execute();
            return run == 1
                    && finishResult(
                            h,
                            h.createUpdate("UPDATE results SET status = 'error', error_message = :message, "
                                            + "error_details = :details, completed_at = " + RUN_STAMP
                                            + " WHERE id = :id AND run_id = :runId AND status = 'running'")
                                    .bind("message", message)
                                    .bind("details", stored)
                                    .bind("id", resultId)
                                    .bind("runId", runId)
                                    .execute());
        });
    }

    /**
     * The run's counter and the result's outcome together, or neither: when the result was not running any more,
     * the counter's move is rolled back.
     */
    private static boolean finishResult(Handle h, int resultsUpdated) {
        if (resultsUpdated == 0) {
            throw SqlRunner.undo(false);
        }
        return true;
    }

    @Override
    public Optional<Run> run(String runId) {
        return sql.read(
                h -> h.createQuery(RUN_BY_ID).bind("id", runId).map(rows.run).findOne());
    }

    @Override
    public Optional<ErrorInfo> firstFailure(String runId) {
        return sql.read(h -> h.createQuery("SELECT first_failure FROM runs WHERE id = :id")
                .bind("id", runId)
                .map((rs, ctx) -> Optional.ofNullable(rows.fromJson(rs.getString("first_failure"))))
                .findOne()
                .flatMap(f -> f));
    }

    @Override
    public boolean finishRun(String runId, String owner, Lifecycle outcome) {
        return sql.write(h -> h.createUpdate("UPDATE runs SET status = :status, error_message = :message, "
                                + "error_details = :details, completed_at = " + STAMP + ", " + STAMPED + ", "
                                + "lease_owner = NULL, lease_beat = NULL WHERE id = :id AND status = 'running' "
                                + "AND lease_owner = :owner AND NOT EXISTS (SELECT 1 FROM results WHERE run_id = :id "
                                + "AND status IN " + ACTIVE + ")")
                        .bind("now", clock.millis())
                        .bind("status", outcome.status().wire())
                        .bind("message", outcome.message())
                        .bind("details", rows.toJson(outcome.details()))
                        .bind("id", runId)
                        .bind("owner", owner)
                        .execute()
                == 1);
    }
}
