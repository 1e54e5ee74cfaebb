-- The run listing reads one page from an index, in the order asked for, and stops after the page: its cost is the
-- page size, not the number of runs a tenant keeps. Each list filter that can drive a read has an index that starts
-- with the tenant and that filter's column and ends with the listing's order (created_at, id), so the filter's rows
-- are one contiguous, ordered range read forwards (oldest first) or backwards (newest first) from either end or from
-- a cursor. V1's runs_by_tenant_created serves the listing without an equality filter (the SQL is in ListSql).
-- Portable: SQLite and PostgreSQL both accept these statements.

-- status=…, and exclude_status=… alone, which reads each of the other five statuses from here and merges the pages
CREATE INDEX runs_by_tenant_status ON runs (tenant, status, created_at, id);
-- experiment_id=…; one that matches nothing is an empty range, found without reading any run
CREATE INDEX runs_by_tenant_experiment ON runs (tenant, experiment_id, created_at, id);
-- workflow_id=…
CREATE INDEX runs_by_tenant_workflow ON runs (tenant, workflow_id, created_at, id);
-- block_id=…
CREATE INDEX runs_by_tenant_block ON runs (tenant, block_id, created_at, id);
-- trigger_type=…
CREATE INDEX runs_by_tenant_trigger ON runs (tenant, trigger_type, created_at, id);

-- The results of a run need no new index: V1's unique constraint results_run_seq (run_id, seq) is already their
-- order, and seq is unique within a run.
