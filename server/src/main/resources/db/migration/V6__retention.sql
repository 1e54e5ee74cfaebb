-- The retention sweeper's lookups (store/JdbcRetention), each of which would otherwise read a whole table per batch.
-- Runs: the oldest terminal runs by completion time, ORDER BY completed_at, id LIMIT n. Active runs have no
-- completed_at, and the expired ones are the lowest values, so a batch reads n index entries in order and stops;
-- an index on (status, completed_at) could not give that order across the three terminal statuses.
CREATE INDEX runs_by_completed_at ON runs (completed_at, id);
-- Idempotency keys: the oldest claims by created_at; the primary key (tenant, idem_key) does not help with that.
CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);
-- A run an idempotency key still names is kept (its replay must find it): one probe by run_id per candidate run.
CREATE INDEX idempotency_keys_by_run ON idempotency_keys (run_id);
