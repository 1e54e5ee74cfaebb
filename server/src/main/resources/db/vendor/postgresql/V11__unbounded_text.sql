-- Text a client gives, and text made from it (a document's id, file name and media type; error messages and details
-- that name a document; a result's output), is stored whole: the body limit bounds it, not a column. PostgreSQL
-- enforces VARCHAR(n) where SQLite does not, so the same valid request stored on one database and failed on the other
-- (a document id of 200 characters: its run's results could not be inserted). Ids exprun makes itself, and values the
-- spec bounds, keep their lengths. The results view (V8) and the row-version triggers (V8) read some of these
-- columns, so they are made again, unchanged, around the change.
DROP VIEW results_view;
DROP TRIGGER runs_row_version ON runs;
DROP TRIGGER results_row_version ON results;

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

CREATE TRIGGER runs_row_version
    BEFORE UPDATE ON runs
    FOR EACH ROW
    WHEN ((OLD.status, OLD.error_message, OLD.error_details, OLD.cancel_reason, OLD.started_at, OLD.completed_at,
           OLD.completed_document_count, OLD.error_count, OLD.document_count)
          IS DISTINCT FROM
          (NEW.status, NEW.error_message, NEW.error_details, NEW.cancel_reason, NEW.started_at, NEW.completed_at,
           NEW.completed_document_count, NEW.error_count, NEW.document_count))
    EXECUTE FUNCTION exprun_bump_row_version();

CREATE TRIGGER results_row_version
    BEFORE UPDATE ON results
    FOR EACH ROW
    WHEN ((OLD.status, OLD.error_message, OLD.error_details, OLD.started_at, OLD.completed_at, OLD.attempt,
           OLD.output_json)
          IS DISTINCT FROM
          (NEW.status, NEW.error_message, NEW.error_details, NEW.started_at, NEW.completed_at, NEW.attempt,
           NEW.output_json))
    EXECUTE FUNCTION exprun_bump_row_version();

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
       r.output_json,
       2 * r.row_version + CASE WHEN u.status = 'cancelled' AND r.status IN ('pending', 'queued', 'running')
            THEN 1 ELSE 0 END AS row_version
FROM results r
JOIN runs u ON u.id = r.run_id;
