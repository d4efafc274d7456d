-- Jobs. state_rank orders the states (PENDING 0, QUEUED 1, RUNNING 2, terminal 3) so that an update can only
-- move a job forward: "... WHERE state_rank < :rank". Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE job (
    job_id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    worker_type        VARCHAR(32)   NOT NULL,
    profile_id         VARCHAR(64)   NOT NULL,
    profile_version    BIGINT,
    origin             VARCHAR(16)   NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    state_rank         INTEGER       NOT NULL,
    input_blob_id      VARCHAR(600),
    input_file         VARCHAR(1024),
    input_name         VARCHAR(255),
    input_bytes        BIGINT,
    result_blob_id     VARCHAR(600),
    exit_code          INTEGER,
    error              VARCHAR(8000),
    idempotency_key    VARCHAR(200),
    correlation_id     VARCHAR(200),
    reply_to           VARCHAR(300),
    attempt            INTEGER       NOT NULL,
    worker_instance_id VARCHAR(128),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at         TIMESTAMP WITH TIME ZONE,
    finished_at        TIMESTAMP WITH TIME ZONE,
    CONSTRAINT job_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX job_by_state ON job (state, created_at);
CREATE INDEX job_by_created ON job (created_at);
