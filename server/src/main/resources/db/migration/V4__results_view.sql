-- The derived-cancel rule, stated once, where every reader sees it: a result still pending, queued or running in a
-- cancelled run IS cancelled, with its run's reason and its run's cancel time as completed_at. Cancel therefore stays
-- one single-row update however many results a run has, and is atomic for every reader: the moment the run's row
-- commits, all its unfinished results read cancelled. Every read of results goes through this view (the API's, and
-- an operator's psql should too); only the workers' own transitions touch the table.
CREATE VIEW results_view AS
SELECT r.id,
       r.tenant,
       r.run_id,
       r.seq,
       r.experiment_id,
       r.document_id,
       r.document_filename,
       r.document_mime_type,
       r.block_type,
       CASE WHEN u.status = 'cancelled' AND r.status IN ('pending', 'queued', 'running')
            THEN 'cancelled' ELSE r.status END AS status,
       r.error_message,
       r.error_details,
       CASE WHEN u.status = 'cancelled' AND r.status IN ('pending', 'queued', 'running')
            THEN u.cancel_reason END AS cancel_reason,
       r.created_at,
       r.started_at,
       CASE WHEN u.status = 'cancelled' AND r.status IN ('pending', 'queued', 'running')
            THEN u.completed_at ELSE r.completed_at END AS completed_at,
       r.attempt,
       r.output_json
FROM results r
JOIN runs u ON u.id = r.run_id;

-- V1's comment on results_by_run_status ("cancel's set-based update") is out of date and stays only because editing
-- an applied migration changes its checksum: cancel no longer updates results at all. The index serves the workers'
-- "next pending result" and finishRun's "none left unfinished".
