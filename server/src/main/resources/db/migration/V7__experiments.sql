-- Experiments made through the API (contract 0.2.0), per tenant. A run copies what it needs from its experiment when
-- it is created, so runs do not reference this table: an experiment's deletion leaves its finished runs as they are.
-- `documents` is a JSON array of the documents a run processes ({id, filename, mime_type}); `documents_as_given` the
-- JSON the API was given them in (handle inputs, provenance), shown back as it came, or NULL (catalog copies and
-- documents captured from runs, shown from `documents`). Times are epoch milliseconds, as everywhere.
CREATE TABLE experiments (
    tenant              VARCHAR(128)  NOT NULL,
    id                  VARCHAR(128)  NOT NULL,
    workflow_id         VARCHAR(128)  NOT NULL,
    workflow_version_id VARCHAR(256)  NOT NULL,
    block_id            VARCHAR(128)  NOT NULL,
    block_name          VARCHAR(256)  NOT NULL,
    block_type          VARCHAR(32)   NOT NULL,
    n_consensus         INTEGER       NOT NULL,
    name                VARCHAR(200)  NOT NULL,
    documents           TEXT          NOT NULL,
    documents_as_given  TEXT,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (tenant, id)
);
-- the list, newest or oldest first, by keyset (created_at, id); and the same with either filter
CREATE INDEX experiments_by_tenant_created ON experiments (tenant, created_at, id);
CREATE INDEX experiments_by_tenant_workflow ON experiments (tenant, workflow_id, created_at, id);
CREATE INDEX experiments_by_tenant_block ON experiments (tenant, block_id, created_at, id);

-- Which catalog experiments each tenant has been given: each at most once, so one the tenant deleted stays deleted.
CREATE TABLE catalog_seeded (
    tenant VARCHAR(128) NOT NULL,
    id     VARCHAR(128) NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- Idempotent create of experiments: as idempotency_keys (V2_1) for runs, a key space of its own.
CREATE TABLE experiment_idempotency_keys (
    tenant        VARCHAR(128) NOT NULL,
    idem_key      VARCHAR(255) NOT NULL,
    fingerprint   VARCHAR(64)  NOT NULL,
    experiment_id VARCHAR(128) NOT NULL,
    created_at    BIGINT       NOT NULL,
    PRIMARY KEY (tenant, idem_key)
);
CREATE INDEX experiment_idempotency_keys_by_created_at ON experiment_idempotency_keys (created_at);
CREATE INDEX experiment_idempotency_keys_by_experiment ON experiment_idempotency_keys (tenant, experiment_id);
