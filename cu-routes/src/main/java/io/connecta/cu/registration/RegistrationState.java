package io.connecta.cu.registration;

import io.connecta.common.worker.Lease;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When to register or heartbeat next. Heartbeats go three times per lease; while the orchestrator cannot be
 * reached the wait doubles from one second up to {@code connecta.worker.max-backoff-seconds}.
 */
@Component
public class RegistrationState {

    private final Clock clock;
    private final Duration maxBackoff;
    private boolean registered;
    private Instant nextAttempt = Instant.MIN;
    private int failures;

    public RegistrationState(Clock clock, WorkerProperties properties) {
        this.clock = clock;
        this.maxBackoff = Duration.ofSeconds(properties.getMaxBackoffSeconds());
    }

    public synchronized boolean isDue() {
        return !clock.instant().isBefore(nextAttempt);
    }

    public synchronized boolean isRegistered() {
        return registered;
    }

    public synchronized void succeeded(Lease lease) {
        registered = true;
        failures = 0;
        nextAttempt = clock.instant().plusMillis(Math.max(500, lease.leaseSeconds() * 1000L / 3));
    }

    /** The orchestrator does not know this instance (404 on heartbeat): register again at once. */
    public synchronized void forgotten() {
        registered = false;
        nextAttempt = Instant.MIN;
    }

    public synchronized Duration failed() {
        failures++;
        Duration wait = Duration.ofSeconds(1L << Math.min(failures - 1, 16));
        if (wait.compareTo(maxBackoff) > 0) {
            wait = maxBackoff;
        }
        nextAttempt = clock.instant().plus(wait);
        return wait;
    }

    public synchronized void deregistered() {
        registered = false;
    }
}
