package io.exprun.server.store;

import io.exprun.server.domain.port.IdempotencyKeys;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Claims in the {@code idempotency_keys} table (migration V2_1). The primary key decides between concurrent claims:
 * a second INSERT of the same (tenant, key) waits for the first to commit, then fails as a duplicate, and the
 * earlier claim is read back.
 */
public final class JdbiIdempotencyKeys implements IdempotencyKeys {

    private final SqlRunner sql;

    public JdbiIdempotencyKeys(SqlRunner sql) {
        this.sql = sql;
    }

    @Override
    public Claim claim(String tenant, String key, String fingerprint, String runId, Instant now, Instant notBefore) {
        return sql.read(h -> {
            h.createUpdate("DELETE FROM idempotency_keys WHERE tenant = :tenant AND idem_key = :key "
                            + "AND created_at < :notBefore")
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .bind("notBefore", notBefore.toEpochMilli())
                    .execute();
            if (inserted(h, tenant, key, fingerprint, runId, now)) {
                return new Claim(fingerprint, runId);
            }
            return h.createQuery("SELECT fingerprint, run_id FROM idempotency_keys WHERE tenant = :tenant "
                            + "AND idem_key = :key")
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .map((rs, ctx) -> new Claim(rs.getString("fingerprint"), rs.getString("run_id")))
                    .findOne()
                    .orElseThrow(() -> new StoreException(
                            new SQLException("idempotency claim vanished for a key just found taken", "40001")));
        });
    }

    /** False when the key is claimed already (the primary key refused the row). */
    private static boolean inserted(
            Handle h, String tenant, String key, String fingerprint, String runId, Instant now) {
        try {
            h.createUpdate("INSERT INTO idempotency_keys (tenant, idem_key, fingerprint, run_id, created_at) "
                            + "VALUES (:tenant, :key, :fingerprint, :runId, :now)")
                    .bind("tenant", tenant)
                    .bind("key", key)
                    .bind("fingerprint", fingerprint)
                    .bind("runId", runId)
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
