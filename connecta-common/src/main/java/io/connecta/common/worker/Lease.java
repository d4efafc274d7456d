package io.connecta.common.worker;

/** The orchestrator's answer to a registration or heartbeat: heartbeat again well within this many seconds. */
public record Lease(String instanceId, int leaseSeconds) {
}
