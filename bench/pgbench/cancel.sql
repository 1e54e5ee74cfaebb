-- exprun's cancel as pgbench runs it: the conditional update and the read-back of the row that
-- io.exprun.server.store.JdbiRunStore issues for one cancel, in one transaction with one commit (group commit off).
-- The run comes from bench_cancel_ids (n -> id, loaded by bench/run-benchmark.sh from pending runs the API created):
-- client c takes n = c, c + clients, c + 2 * clients, ... (pgbench keeps a client's variables between transactions),
-- so no run is cancelled twice. That primary-key lookup is the only statement exprun does not run itself.
\set n :client_id + :clients * :k
\set k :k + 1
BEGIN;
UPDATE runs SET status = 'cancelled', cancel_reason = :reason, completed_at = GREATEST(exprun_now_ms(), last_transition_at), last_transition_at = GREATEST(exprun_now_ms(), last_transition_at), lease_owner = NULL, lease_beat = NULL WHERE id = (SELECT id FROM bench_cancel_ids WHERE n = :n) AND tenant = :tenant AND status IN ('pending', 'queued', 'running');
SELECT id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, block_type, n_consensus, trigger_type, status, error_message, error_details, cancel_reason, created_at, started_at, completed_at, block_execution_fingerprint, documents_fingerprint, document_count, completed_document_count, error_count FROM runs WHERE id = (SELECT id FROM bench_cancel_ids WHERE n = :n);
END;
