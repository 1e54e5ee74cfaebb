package io.exprun.server.store;

import io.exprun.server.domain.Run;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which worker holds which run: claims, leases, takeovers and releases. Lease expiry is compared with the
 * database's clock ({@link #DB_NOW}), never an instance's own, so clock skew between instances cannot shorten or
 * stretch a lease. On PostgreSQL a claim locks its candidate with {@code FOR UPDATE SKIP LOCKED}, so concurrent
 * workers never queue on one row; SQLite takes the portable path (conditional updates on a few candidates, the loser
 * moves on to the next).
 */
final class WorkerClaims extends JdbcSupport {

    private static final String CLAIMABLE = "(status = 'queued' OR (status = 'running' AND lease_expires_at < "
            + DB_NOW + "))";

    private final boolean skipLocked;

    /** @param skipLocked the database has {@code FOR UPDATE SKIP LOCKED} (PostgreSQL) */
    WorkerClaims(DataSource dataSource, RowMapping rows, boolean skipLocked) {
        super(dataSource, rows);
        this.skipLocked = skipLocked;
    }

    int enqueuePending(int limit) {
        return withConnection(c -> {
            int moved = 0;
            for (String id : ids(c, "SELECT id FROM runs WHERE status = 'pending' ORDER BY created_at, id", limit)) {
                moved += update(c, "UPDATE runs SET status = 'queued' WHERE id = ? AND status = 'pending'", id);
            }
            return moved;
        });
    }

    boolean enqueue(String runId) {
        return withConnection(c -> update(c, "UPDATE runs SET status = 'queued' WHERE id = ? AND status = 'pending'",
                runId) == 1);
    }

    Optional<Run> claim(String runId, String owner, Duration lease) {
        return inTransaction(c -> claimIn(c, runId, owner, lease));
    }

    Optional<Run> claimNext(String owner, Duration lease) {
        if (skipLocked) {
            return inTransaction(c -> {
                List<String> locked = ids(c, "SELECT id FROM runs WHERE " + CLAIMABLE
                        + " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", 1);
                return locked.isEmpty() ? Optional.<Run>empty() : claimIn(c, locked.get(0), owner, lease);
            });
        }
        for (String id : withConnection(c -> ids(c, "SELECT id FROM runs WHERE " + CLAIMABLE
                + " ORDER BY created_at, id", 8))) {
            Optional<Run> claimed = inTransaction(c -> claimIn(c, id, owner, lease));
            if (claimed.isPresent()) {
                return claimed;
            }
        }
        return Optional.empty();
    }

    /** Conditional either way: without SKIP LOCKED another worker may have taken the run since it was listed. */
    private Optional<Run> claimIn(Connection c, String runId, String owner, Duration lease) throws SQLException {
        int fresh = update(c, "UPDATE runs SET status = 'running', started_at = " + DB_NOW + ", lease_owner = ?, "
                + "lease_expires_at = " + DB_NOW + " + ? WHERE id = ? AND status = 'queued'", owner, lease.toMillis(), runId);
        if (fresh == 0) {
            int takenOver = update(c, "UPDATE runs SET lease_owner = ?, lease_expires_at = " + DB_NOW + " + ? "
                    + "WHERE id = ? AND status = 'running' AND lease_expires_at < " + DB_NOW, owner, lease.toMillis(), runId);
            if (takenOver == 0) {
                return Optional.empty();
            }
            // the previous owner died mid-document: that document runs again, as a new attempt
            requeueRunningResults(c, runId);
        }
        return selectRun(c, "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", runId);
    }

    boolean renewLease(String runId, String owner, Duration lease) {
        return withConnection(c -> update(c, "UPDATE runs SET lease_expires_at = " + DB_NOW + " + ? "
                + "WHERE id = ? AND status = 'running' AND lease_owner = ?", lease.toMillis(), runId, owner) == 1);
    }

    Set<String> stillOwned(Map<String, String> owners) {
        if (owners.isEmpty()) {
            return Set.of();
        }
        return withConnection(c -> {
            String marks = String.join(",", java.util.Collections.nCopies(owners.size(), "?"));
            Set<String> owned = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, lease_owner FROM runs WHERE status = 'running' "
                    + "AND id IN (" + marks + ")")) {
                bind(ps, owners.keySet().toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(2) != null && rs.getString(2).equals(owners.get(rs.getString(1)))) {
                            owned.add(rs.getString(1));
                        }
                    }
                }
            }
            return owned;
        });
    }

    boolean release(String runId, String owner) {
        return inTransaction(c -> {
            if (update(c, "UPDATE runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE id = ? AND status = 'running' AND lease_owner = ?", runId, owner) == 0) {
                return false;
            }
            requeueRunningResults(c, runId);
            return true;
        });
    }

    int requeueInterrupted() {
        return inTransaction(c -> {
            update(c, "UPDATE results SET status = 'pending', started_at = NULL, attempt = attempt + 1 "
                    + "WHERE status = 'running' AND run_id IN (SELECT id FROM runs WHERE status = 'running')");
            return update(c, "UPDATE runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE status = 'running'");
        });
    }

    private static void requeueRunningResults(Connection c, String runId) throws SQLException {
        update(c, "UPDATE results SET status = 'pending', started_at = NULL, attempt = attempt + 1 "
                + "WHERE run_id = ? AND status = 'running'", runId);
    }
}
