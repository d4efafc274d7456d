-- CU profiles (the legacy "CuConfig"). Portable SQL: the same script runs on H2 and PostgreSQL.
CREATE TABLE cu_profile (
    id                 VARCHAR(64)      NOT NULL PRIMARY KEY,
    name               VARCHAR(200)     NOT NULL,
    description        VARCHAR(4000)    NOT NULL,
    executable         VARCHAR(200)     NOT NULL,
    args_json          VARCHAR(1000000) NOT NULL,
    env_json           VARCHAR(1000000) NOT NULL,
    timeout_seconds    INTEGER          NOT NULL,
    success_exit_codes VARCHAR(1000)    NOT NULL,
    output_name        VARCHAR(255)     NOT NULL,
    version            BIGINT           NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
