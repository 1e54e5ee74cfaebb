-- Times that never run backwards, and leases that no clock can shorten.
--
-- last_transition_at: the latest time stamped on a run or any of its results. Every transition of the run or of one of
-- its results (which lock the run's row first) stamps GREATEST(the writer's clock, last_transition_at) and moves it
-- there, so a row's times are ordered as its transitions were committed even when a clock steps back (an NTP
-- correction, a VM resumed, two instances with skewed clocks): created <= started <= completed, for the run and for each
-- result, and a cancel's time is never before anything its results already show. The writer's clock replaces V2's
-- exprun_now_ms() (the database's clock), which nothing uses any more: ordering per run no longer needs one clock.
ALTER TABLE runs ADD COLUMN last_transition_at BIGINT NOT NULL DEFAULT 0;
UPDATE runs SET last_transition_at = COALESCE(completed_at, started_at, created_at);
UPDATE runs SET last_transition_at = (SELECT MAX(COALESCE(r.completed_at, r.started_at)) FROM results r WHERE r.run_id = runs.id)
WHERE last_transition_at < (SELECT MAX(COALESCE(r.completed_at, r.started_at)) FROM results r WHERE r.run_id = runs.id);

-- lease_beat: a counter the lease's owner moves at every renewal. A lease is no longer a time on some clock: an
-- instance that sees a run's beat stand still for a lease's length, measured on its own monotonic clock, may take the
-- run over (work/RunWorkers). A wall clock stepped forward cannot expire a live lease, nor one stepped back extend a
-- dead one.
ALTER TABLE runs RENAME COLUMN lease_expires_at TO lease_beat;
