-- Cluster-wide read locks of the legacy drop-in folder (camel-sql's JdbcOrphanLockAwareIdempotentRepository):
-- one row per file being processed, keyed by its path relative to the drop-in root, deleted once the file has been
-- moved to done/ or error/, so the same name can come again. A worker that holds a lock refreshes createdAt; a row
-- that has not been refreshed for connecta.cu.dropin.lock.max-age-ms belongs to a dead worker and is taken over.
-- Portable SQL: the same script runs on H2 and PostgreSQL.
CREATE TABLE cu_dropin_lock (
    processorName VARCHAR(255)  NOT NULL,
    messageId     VARCHAR(1024) NOT NULL,
    createdAt     TIMESTAMP     NOT NULL,
    PRIMARY KEY (processorName, messageId)
);
