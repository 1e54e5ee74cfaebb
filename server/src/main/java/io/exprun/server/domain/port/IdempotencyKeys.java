package io.exprun.server.domain.port;

import java.time.Instant;

/**
 * The port idempotent create needs: claim a key for a run id, atomically, or learn which run (and which request
 * fingerprint) claimed it first. Claims older than the retention no longer count.
 */
public interface IdempotencyKeys {

    /** What a key was first used for. */
    record Claim(String fingerprint, String runId) {}

    /**
     * Claims {@code key} for {@code runId} unless a claim younger than {@code notBefore} exists; returns the claim
     * that holds afterwards (ours, or the earlier one).
     */
    Claim claim(String tenant, String key, String fingerprint, String runId, Instant now, Instant notBefore);
}
