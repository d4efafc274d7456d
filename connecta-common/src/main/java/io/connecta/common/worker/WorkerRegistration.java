package io.connecta.common.worker;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What a worker sends to {@code POST /api/be/v1/workers}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerRegistration(String instanceId, String workerType, String baseUrl, String version) {
}
