-- Registered worker instances. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE worker (
    instance_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    worker_type    VARCHAR(32)  NOT NULL,
    base_url       VARCHAR(512) NOT NULL,
    version        VARCHAR(64)  NOT NULL,
    lease_seconds  INTEGER      NOT NULL,
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_heartbeat TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX worker_by_type ON worker (worker_type);
