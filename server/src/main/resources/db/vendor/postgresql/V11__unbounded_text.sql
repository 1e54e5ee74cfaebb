-- Text a client gives, and text made from it (a document's id, file name and media type; error messages and details
-- that name a document; a result's output), is stored whole: the body limit bounds it, not a column. PostgreSQL
-- enforces VARCHAR(n) where SQLite does not, so the same valid request stored on one database and failed on the other
-- (a document id of 200 characters: its run's results could not be inserted). Ids exprun makes itself, and values the
-- spec bounds, keep their lengths. The results view reads some of these columns, so it is made again around the change.
DROP VIEW results_view;

ALTER TABLE results ALTER COLUMN document_id TYPE TEXT;
ALTER TABLE results ALTER COLUMN document_filename TYPE TEXT;
ALTER TABLE results ALTER COLUMN document_mime_type TYPE TEXT;
ALTER TABLE results ALTER COLUMN error_message TYPE TEXT;
ALTER TABLE results ALTER COLUMN error_details TYPE TEXT;
ALTER TABLE results ALTER COLUMN output_json TYPE TEXT;
ALTER TABLE runs ALTER COLUMN error_message TYPE TEXT;
ALTER TABLE runs ALTER COLUMN error_details TYPE TEXT;
ALTER TABLE runs ALTER COLUMN cancel_reason TYPE TEXT;
ALTER TABLE runs ALTER COLUMN first_failure TYPE TEXT;

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
