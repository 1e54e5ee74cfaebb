package io.exprun.server.domain.port;

import java.time.Instant;

/**
 * The port idempotent create needs: claim a key for the id of what the request creates (a run, or an experiment: each
 * has keys of its own), atomically, or learn which id (and which request fingerprint) claimed it first. Claims older
 * than the retention no longer count.
 */
public interface IdempotencyKeys {

    /** What a key was first used for. */
    record Claim(String fingerprint, String createdId) {}

    /**
     * Claims {@code key} for {@code createdId} unless a claim younger than {@code notBefore} exists; returns the claim
     * that holds afterwards (ours, or the earlier one).
     */
    Claim claim(String tenant, String key, String fingerprint, String createdId, Instant now, Instant notBefore);
}
