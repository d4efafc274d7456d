package io.connecta.common.worker;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a worker sends to {@code POST /api/be/v1/workers}. {@code incarnation} is a new UUID at each start of the
 * worker (optional): the same instanceId with another incarnation is a restarted worker, which runs none of the jobs
 * its predecessor had.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerRegistration(String instanceId, String workerType, String baseUrl, String version,
                                 String incarnation) {

    public WorkerRegistration(String instanceId, String workerType, String baseUrl, String version) {
        this(instanceId, workerType, baseUrl, version, null);
    }
}
