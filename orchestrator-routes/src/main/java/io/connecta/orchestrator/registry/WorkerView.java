package io.connecta.orchestrator.registry;

import java.time.Instant;

/** A registered worker instance as the front end sees it. */
public record WorkerView(String instanceId, String workerType, String baseUrl, WorkerStatus status,
                         Instant lastHeartbeat, String version, int leaseSeconds) {

    public enum WorkerStatus { UP, DOWN }
}
