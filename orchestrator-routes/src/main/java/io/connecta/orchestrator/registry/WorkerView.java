package io.connecta.orchestrator.registry;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A registered worker instance as the front end sees it. {@code incarnation}: the UUID of the worker's current JVM run
 * (a new one at each start; null for a worker that sends none).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerView(String instanceId, String workerType, String baseUrl, WorkerStatus status,
                         Instant lastHeartbeat, String version, int leaseSeconds, String incarnation) {

    public enum WorkerStatus { UP, DOWN }
}
