-- exprun_now_ms(): the database's clock in epoch milliseconds, for every transition time and lease expiry.
-- SQLite has no stored functions: it is registered on every connection by the store (store/SqliteDataSource, with
-- the two-argument greatest() PostgreSQL has built in). Only one process uses an SQLite file, so its clock is the
-- only clock. Nothing to create here; the version exists so that both databases' histories have the same steps.
SELECT 1;
