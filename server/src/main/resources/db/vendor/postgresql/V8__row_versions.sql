-- Row versions (contract 0.3.0): the validator every ETag is derived from. A run's, a result's and an experiment's
-- row_version goes up by one whenever a column its answer shows changes, whatever statement changed it: the triggers
-- state that rule once, here, so no writer can forget it (the workers' transitions, cancel, an experiment's update).
-- A lease renewal changes nothing an answer shows, and bumps nothing. SQLite's V8 states the same rule in its own
-- trigger syntax. ADD COLUMN with a constant default rewrites no table (PostgreSQL 11 and later).
ALTER TABLE runs ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE results ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE experiments ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;

CREATE FUNCTION exprun_bump_row_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    RETURN NEW;
END
$$;

-- The WHEN clause is evaluated without calling the function: an update that changes nothing shown costs nothing more.
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

CREATE TRIGGER experiments_row_version
    BEFORE UPDATE ON experiments
    FOR EACH ROW
    WHEN ((OLD.n_consensus, OLD.name, OLD.documents, OLD.documents_as_given, OLD.updated_at)
          IS DISTINCT FROM
          (NEW.n_consensus, NEW.name, NEW.documents, NEW.documents_as_given, NEW.updated_at))
    EXECUTE FUNCTION exprun_bump_row_version();

-- The results view (V4) with the version a result's answer has. A result still unfinished in a cancelled run reads
-- cancelled without its row changing, so its answer's version is 2 × row_version + 1 then, and 2 × row_version
-- otherwise: it changes when the run's cancel changes what the result reads, and never again (a cancelled run's
-- results are never written).
DROP VIEW results_view;
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
