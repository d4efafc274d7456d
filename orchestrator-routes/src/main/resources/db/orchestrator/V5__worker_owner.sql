-- The credential (the token's sub) that registered a worker instance: only it may heartbeat, deregister or register
-- the instanceId again (registry/WorkerRegistryRoutes). Rows from before (NULL) go to the next credential that
-- registers them. Portable SQL: H2 and PostgreSQL.
ALTER TABLE worker ADD COLUMN owner VARCHAR(255);
