-- SQLite stores text whole whatever length a column declares (type affinity), as PostgreSQL now does (its V11):
-- nothing to change here; the version exists so that both databases' histories have the same steps.
SELECT 1;
