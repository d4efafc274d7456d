-- Incarnations (issue 12): a worker sends a new UUID at each start in its registration (worker.incarnation) and in
-- its results; a RUNNING result records the one the job runs under (job.worker_incarnation). A RUNNING job whose
-- worker is registered under another incarnation was lost with a restart (jobs/JobSweepRoutes); worker.registered_at
-- is from now on the time its current incarnation registered. NULL: a worker that sends none (older workers), never
-- compared. Portable SQL: H2 and PostgreSQL.
ALTER TABLE worker ADD COLUMN incarnation VARCHAR(64);
ALTER TABLE job ADD COLUMN worker_incarnation VARCHAR(64);
