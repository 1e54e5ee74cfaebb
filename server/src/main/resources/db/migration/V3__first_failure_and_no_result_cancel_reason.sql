-- A run's first failure is kept with the run, so the run's final error does not depend on one worker's memory
-- (a takeover by another worker or instance keeps it).
ALTER TABLE runs ADD COLUMN first_failure VARCHAR(65536);

-- Never written: a result is only ever cancelled through its run, and reads take the run's reason (results_view).
ALTER TABLE results DROP COLUMN cancel_reason;
