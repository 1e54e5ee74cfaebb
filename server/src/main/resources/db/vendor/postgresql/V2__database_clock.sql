-- exprun_now_ms(): the database's clock in epoch milliseconds, for every transition time and lease expiry.
-- clock_timestamp(), not now(): now() is fixed at the transaction's start, so an update that waited for a row lock
-- could carry a time older than the write it waited for. VOLATILE: evaluated per row, after the lock wait.
CREATE FUNCTION exprun_now_ms() RETURNS BIGINT
    LANGUAGE SQL VOLATILE
    AS $$ SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) $$;
