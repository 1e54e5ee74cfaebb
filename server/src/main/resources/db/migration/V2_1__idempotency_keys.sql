-- Idempotent create: an Idempotency-Key (per tenant) names the run its first request created. The primary key is
-- what makes concurrent requests with one key agree: only one claim row can exist, and the run it names is created
-- at most once because runs.id is a primary key too. Rows older than 24 hours no longer count (and are replaced).
CREATE TABLE idempotency_keys (
    tenant      VARCHAR(128) NOT NULL,
    idem_key    VARCHAR(255) NOT NULL,
    fingerprint VARCHAR(64)  NOT NULL,
    run_id      VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (tenant, idem_key)
);
