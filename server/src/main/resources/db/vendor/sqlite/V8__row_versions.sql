-- Row versions (contract 0.3.0): the validator every ETag is derived from. A run's, a result's and an experiment's
-- row_version goes up by one whenever a column its answer shows changes, whatever statement changed it: the triggers
-- state that rule once, here, so no writer can forget it (the workers' transitions, cancel, an experiment's update).
-- A lease renewal changes nothing an answer shows, and bumps nothing. PostgreSQL's V8 states the same rule in its own
-- trigger syntax.
ALTER TABLE runs ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE results ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE experiments ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;

-- SQLite cannot assign NEW in a trigger: the row is updated once more, in the same statement (its changes count is
-- still the statement's own: JDBC update counts do not include trigger changes). row_version is not in the column
-- lists, so these triggers never fire themselves.
CREATE TRIGGER runs_row_version
    AFTER UPDATE OF status, error_message, error_details, cancel_reason, started_at, completed_at,
        completed_document_count, error_count, document_count ON runs
    FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.error_message IS NOT NEW.error_message
        OR OLD.error_details IS NOT NEW.error_details OR OLD.cancel_reason IS NOT NEW.cancel_reason
        OR OLD.started_at IS NOT NEW.started_at OR OLD.completed_at IS NOT NEW.completed_at
        OR OLD.completed_document_count IS NOT NEW.completed_document_count OR OLD.error_count IS NOT NEW.error_count
        OR OLD.document_count IS NOT NEW.document_count
BEGIN
    UPDATE runs SET row_version = OLD.row_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER results_row_version
    AFTER UPDATE OF status, error_message, error_details, started_at, completed_at, attempt, output_json ON results
    FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.error_message IS NOT NEW.error_message
        OR OLD.error_details IS NOT NEW.error_details
        OR OLD.started_at IS NOT NEW.started_at OR OLD.completed_at IS NOT NEW.completed_at
        OR OLD.attempt IS NOT NEW.attempt OR OLD.output_json IS NOT NEW.output_json
BEGIN
    UPDATE results SET row_version = OLD.row_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER experiments_row_version
    AFTER UPDATE OF n_consensus, name, documents, documents_as_given, updated_at ON experiments
    FOR EACH ROW
BEGIN
    UPDATE experiments SET row_version = OLD.row_version + 1 WHERE tenant = NEW.tenant AND id = NEW.id;
END;

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
