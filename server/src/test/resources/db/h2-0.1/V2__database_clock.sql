-- exprun_now_ms(): the database's clock in epoch milliseconds, for every transition time and lease expiry.
-- Evaluated at each call (not fixed per transaction like CURRENT_TIMESTAMP), so an update that waited for a row lock
-- takes its time after the wait. Runs inside H2 itself: for a shared jdbc:h2:tcp:// database, that is the server's
-- clock, the same for every instance.
CREATE ALIAS exprun_now_ms FOR 'java.lang.System.currentTimeMillis';
