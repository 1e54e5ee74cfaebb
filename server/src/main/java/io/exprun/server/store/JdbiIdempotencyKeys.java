package io.exprun.server.store;

import io.exprun.server.domain.port.IdempotencyKeys;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Claims in a table of keys: {@code idempotency_keys} for runs (migration V2_1), {@code experiment_idempotency_keys}
 * for experiments (V7), the same shape. The primary key decides between concurrent claims: a second INSERT of the same
 * (tenant, key) waits for the first to commit, then fails as a duplicate, and the earlier claim is read back.
 */
public final class JdbiIdempotencyKeys implements IdempotencyKeys {

    private final SqlRunner sql;
    private final String deleteExpired;
    private final String insert;
    private final String select;

    private JdbiIdempotencyKeys(SqlRunner sql, String table, String idColumn) {
        this.sql = sql;
        this.deleteExpired =
                "DELETE FROM " + table + " WHERE tenant = :tenant AND idem_key = :key AND created_at < :notBefore";
        this.insert = "INSERT INTO " + table + " (tenant, idem_key, fingerprint, " + idColumn + ", created_at) "
                + "VALUES (:tenant, :key, :fingerprint, :createdId, :now)";
        this.select = "SELECT fingerprint, " + idColumn + " AS created_id FROM " + table
                + " WHERE tenant = :tenant AND idem_key = :key";
    }

    /** The keys of run creates. */
    public static JdbiIdempotencyKeys ofRuns(SqlRunner sql) {
        return new JdbiIdempotencyKeys(sql, "idempotency_keys", "run_id");
    }

    /** The keys of experiment creates. */
    public static JdbiIdempotencyKeys ofExperiments(SqlRunner sql) {
        return new JdbiIdempotencyKeys(sql, "experiment_idempotency_keys", "experiment_id");
    }

    @Override
    public Claim claim(
            String tenant, String key, String fingerprint, String createdId, Instant now, Instant notBefore) {
        return sql.writeEach(h -> {
            h.createUpdate(deleteExpired)
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .bind("notBefore", notBefore.toEpochMilli())
                    .execute();
            if (inserted(h, tenant, key, fingerprint, createdId, now)) {
                return new Claim(fingerprint, createdId);
            }
            return h.createQuery(select)
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .map((rs, ctx) -> new Claim(rs.getString("fingerprint"), rs.getString("created_id")))
                    .findOne()
                    .orElseThrow(() -> new StoreException(
                            new SQLException("idempotency claim vanished for a key just found taken", "40001")));
        });
    }

    /** False when the key is claimed already (the primary key refused the row). */
    private boolean inserted(Handle h, String tenant, String key, String fingerprint, String createdId, Instant now) {
        try {
            h.createUpdate(insert)
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .bind("fingerprint", fingerprint)
                    .bind("createdId", createdId)
                    .bind("now", now.toEpochMilli())
                    .execute();
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isDuplicateKey(cause)) {
                return false;
            }
            throw e;
        }
    }
}
