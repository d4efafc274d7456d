-- Cluster-wide locks of timer routes: a run takes a lock with a conditional UPDATE (free, expired, or already its
-- own), so of several orchestrators on one database only one sweeps at a time (jobs/JobSweepRoutes). No cluster
-- service is needed; a holder that dies frees the lock when locked_until passes. Portable SQL: H2 and PostgreSQL.
CREATE TABLE sweep_lock (
    name         VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder       VARCHAR(128),
    locked_until TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO sweep_lock (name, holder, locked_until) VALUES ('job-sweep', NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
