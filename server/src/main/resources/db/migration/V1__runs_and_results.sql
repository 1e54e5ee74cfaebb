-- Runs and their per-document results. Portable SQL: runs unchanged on H2 (embedded default) and PostgreSQL.
-- Timestamps are epoch milliseconds (UTC) so that both databases compare and index them the same way.
CREATE TABLE runs (
    id                          VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant                      VARCHAR(128)  NOT NULL,
    experiment_id               VARCHAR(128)  NOT NULL,
    workflow_id                 VARCHAR(128)  NOT NULL,
    workflow_version_id         VARCHAR(128)  NOT NULL,
    block_id                    VARCHAR(128)  NOT NULL,
    block_type                  VARCHAR(32)   NOT NULL,
    n_consensus                 INTEGER       NOT NULL,
    trigger_type                VARCHAR(32),
    status                      VARCHAR(16)   NOT NULL,
    error_message               VARCHAR(4000),
    error_details               VARCHAR(65536),
    cancel_reason               VARCHAR(4000),
    created_at                  BIGINT        NOT NULL,
    started_at                  BIGINT,
    completed_at                BIGINT,
    block_execution_fingerprint VARCHAR(128)  NOT NULL,
    documents_fingerprint       VARCHAR(128)  NOT NULL,
    document_count              INTEGER       NOT NULL,
    completed_document_count    INTEGER       NOT NULL DEFAULT 0,
    error_count                 INTEGER       NOT NULL DEFAULT 0,
    -- the worker (instance/thread) executing the run, and until when its claim holds
    lease_owner                 VARCHAR(128),
    lease_expires_at            BIGINT
);

CREATE INDEX runs_by_tenant_created ON runs (tenant, created_at, id);
CREATE INDEX runs_by_status ON runs (status, lease_expires_at);

CREATE TABLE results (
    id                  VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant              VARCHAR(128)  NOT NULL,
    run_id              VARCHAR(64)   NOT NULL REFERENCES runs (id),
    seq                 INTEGER       NOT NULL,
    experiment_id       VARCHAR(128)  NOT NULL,
    document_id         VARCHAR(128)  NOT NULL,
    document_filename   VARCHAR(1024),
    document_mime_type  VARCHAR(255),
    block_type          VARCHAR(32)   NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    error_message       VARCHAR(4000),
    error_details       VARCHAR(65536),
    cancel_reason       VARCHAR(4000),
    created_at          BIGINT        NOT NULL,
    started_at          BIGINT,
    completed_at        BIGINT,
    attempt             INTEGER       NOT NULL DEFAULT 0,
    output_json         VARCHAR(65536),
    CONSTRAINT results_run_seq UNIQUE (run_id, seq)
);

-- cancel's set-based update and the workers' "next pending result" both go through (run_id, status)
CREATE INDEX results_by_run_status ON results (run_id, status, seq);
