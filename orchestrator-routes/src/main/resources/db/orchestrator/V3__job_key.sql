-- Idempotency-Key claims of uploads (POST /api/fe/v1/jobs). A request claims its key (this insert, under the primary
-- key) BEFORE its upload is stored, so of concurrent requests with one key exactly one stores an input and records a
-- job; the others compare their request with the claim. state: UPLOADING while the first request's body is being
-- stored, RECORDED once its job is recorded (input_sha256 = the hex SHA-256 of the stored body). A failed upload
-- removes its claim, so the key can be used again. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE job_key (
    idempotency_key VARCHAR(200) NOT NULL PRIMARY KEY,
    job_id          VARCHAR(36)  NOT NULL,
    worker_type     VARCHAR(32)  NOT NULL,
    profile_id      VARCHAR(64)  NOT NULL,
    input_name      VARCHAR(255),
    input_sha256    VARCHAR(64),
    state           VARCHAR(16)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
-- keys of jobs recorded before claims existed: their body digest is unknown, so it is not compared
INSERT INTO job_key (idempotency_key, job_id, worker_type, profile_id, input_name, input_sha256, state, created_at)
    SELECT idempotency_key, job_id, worker_type, profile_id, input_name, NULL, 'RECORDED', created_at
    FROM job WHERE idempotency_key IS NOT NULL AND origin = 'FE';
