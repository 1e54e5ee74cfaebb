package io.exprun.server.store;

import io.exprun.server.domain.Run;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cancel: one conditional single-row update per request, committed in groups (see the group commit below).
 * The cancel time is the database's at the moment the row is updated (after any lock wait), so a worker's write that
 * committed first always carries an earlier time. Moved verbatim out of JdbcRunStore, then given the database clock.
 */
final class CancelBatch extends JdbcSupport {

    CancelBatch(DataSource dataSource, RowMapping rows) {
        super(dataSource, rows);
    }

    public Optional<Run> cancelRun(String tenant, String runId, String reason) {
        return cancels.submit(new CancelRequest(tenant, runId, reason));
    }

    private record CancelRequest(String tenant, String runId, String reason) {
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
     * Group commit for cancels. A durable commit is the cost of a cancel (H2 writes each one before answering, and
     * serializes those writes), so cancels arriving together share one transaction and one commit: the first caller
     * becomes the leader and commits everything queued behind it, batch after batch, while the others wait for
     * their own outcome. Each cancel is still its own conditional update, so two cancels of one run in one batch
     * still give exactly one winner. If a shared transaction fails, each of its cancels is retried on its own, so
     * one bad request cannot fail its neighbours.
     */
    private final GroupCommit<CancelRequest, Optional<Run>> cancels = new GroupCommit<>(64) {
        @Override
        protected List<Optional<Run>> inOneTransaction(List<CancelRequest> batch) {
            return inTransaction(c -> {
                List<Optional<Run>> out = new ArrayList<>(batch.size());
                for (CancelRequest r : batch) {
                    out.add(cancelIn(c, r));
                }
                return out;
            });
        }

        @Override
        protected Optional<Run> alone(CancelRequest r) {
            return inTransaction(c -> cancelIn(c, r));
        }
    };
}
