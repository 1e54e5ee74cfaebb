package io.exprun.server.store;

import io.exprun.server.domain.Run;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Cancel: one conditional single-row update per request, committed in groups (see the group commit below).
 * The cancel time is the database's at the moment the row is updated (after any lock wait), so a worker's write that
 * committed first always carries an earlier time.
 */
final class CancelBatch extends JdbcSupport {

    private final boolean groupCancels;

    CancelBatch(DataSource dataSource, RowMapping rows, boolean groupCancels) {
        super(dataSource, rows);
        this.groupCancels = groupCancels;
    }

    public Optional<Run> cancelRun(String tenant, String runId, String reason) {
        CancelRequest request = new CancelRequest(tenant, runId, reason);
        return groupCancels ? cancels.submit(request) : inTransaction(c -> cancelIn(c, request));
    }

    record CancelRequest(String tenant, String runId, String reason) {
    }

    /**
     * One cancel inside a (possibly shared) transaction: the conditional single-row update, then the row as it now is.
     * Its unfinished results are cancelled by this same row: see RESULT_SELECT.
     */
    private Optional<Run> cancelIn(Connection c, CancelRequest r) throws SQLException {
        int runs = update(c, "UPDATE runs SET status = 'cancelled', cancel_reason = ?, completed_at = " + DB_NOW + ", "
                + "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND tenant = ? AND status IN " + ACTIVE,
                r.reason(), r.runId(), r.tenant());
        if (runs == 0) {
            return Optional.empty();
        }
        return selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", r.runId());
    }

    /**
     * Group commit for cancels. A durable commit is the cost of a cancel (the embedded SQLite writes each one before answering, and
     * serializes those writes), so cancels arriving together share one transaction and one commit: the first caller
     * becomes the leader and commits everything queued behind it, batch after batch, while the others wait for
     * their own outcome. Each cancel is still its own conditional update, so two cancels of one run in one batch
     * still give exactly one winner. A batch locks its runs in run-id order, whatever order the cancels arrived in,
     * so two instances batching the same runs cannot deadlock on PostgreSQL. If a shared transaction fails because
     * the database is unavailable, all its cancels get that answer (503) at once; if a statement failed, each cancel
     * is retried on its own, so one bad request cannot fail its neighbours. Fairness: see {@link GroupCommit}.
     */
    private final GroupCommit<CancelRequest, Optional<Run>> cancels = new GroupCommit<>(64) {
        @Override
        protected List<Optional<Run>> inOneTransaction(List<CancelRequest> batch) {
            return cancelBatch(batch);
        }

        @Override
        protected Optional<Run> alone(CancelRequest r) {
            return inTransaction(c -> cancelIn(c, r));
        }

        @Override
        protected boolean unavailable(RuntimeException failure) {
            return failure instanceof StoreException s && s.unavailable();
        }
    };

    /**
     * Cancels in one transaction, locking their runs in run-id order whatever order they arrived in (two instances
     * batching the same runs then take the locks in the same order: no deadlock); outcomes in request order.
     */
    List<Optional<Run>> cancelBatch(List<CancelRequest> batch) {
        Integer[] lockOrder = new Integer[batch.size()];
        for (int i = 0; i < lockOrder.length; i++) {
            lockOrder[i] = i;
        }
        java.util.Arrays.sort(lockOrder, (a, b) -> batch.get(a).runId().compareTo(batch.get(b).runId()));
        return inTransaction(c -> {
            List<Optional<Run>> out = new ArrayList<>(Collections.nCopies(batch.size(), Optional.<Run>empty()));
            for (int i : lockOrder) {
                out.set(i, cancelIn(c, batch.get(i)));
            }
            return out;
        });
    }
}
