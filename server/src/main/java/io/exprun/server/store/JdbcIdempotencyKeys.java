package io.exprun.server.store;

import io.exprun.server.domain.port.IdempotencyKeys;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Claims in the {@code idempotency_keys} table (migration V2_1). The primary key decides between concurrent claims:
 * a second INSERT of the same (tenant, key) waits for the first to commit, then fails as a duplicate, and the
 * earlier claim is read back.
 */
public final class JdbcIdempotencyKeys implements IdempotencyKeys {

    private final DataSource dataSource;

    public JdbcIdempotencyKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Claim claim(String tenant, String key, String fingerprint, String runId, Instant now, Instant notBefore) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement expired = c.prepareStatement(
                    "DELETE FROM idempotency_keys WHERE tenant = ? AND idem_key = ? AND created_at < ?")) {
                expired.setString(1, tenant);
                expired.setString(2, key);
                expired.setLong(3, notBefore.toEpochMilli());
                expired.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO idempotency_keys "
                    + "(tenant, idem_key, fingerprint, run_id, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, tenant);
                insert.setString(2, key);
                insert.setString(3, fingerprint);
                insert.setString(4, runId);
                insert.setLong(5, now.toEpochMilli());
                insert.executeUpdate();
                return new Claim(fingerprint, runId);
            } catch (SQLException e) {
                if (!StoreException.isDuplicateKey(e)) {
                    throw e;
                }
            }
            try (PreparedStatement read = c.prepareStatement(
                    "SELECT fingerprint, run_id FROM idempotency_keys WHERE tenant = ? AND idem_key = ?")) {
                read.setString(1, tenant);
                read.setString(2, key);
                try (ResultSet rs = read.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("idempotency claim vanished for a key just found taken", "40001");
                    }
                    return new Claim(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
