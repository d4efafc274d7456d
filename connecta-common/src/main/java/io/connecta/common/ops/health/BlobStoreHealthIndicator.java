package io.connecta.common.ops.health;

import io.connecta.common.problem.ApiProblemException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Health contributor {@code blobStore}: the probe of the configured store ({@code connecta.blob.store}, default local).
 * {@link #requireAvailable()} serves the routes that are about to write a blob: they answer 503 at once instead of
 * waiting for the store's client to give up.
 */
@Component("blobStoreHealthIndicator")
public class BlobStoreHealthIndicator implements HealthIndicator {

    private final String store;
    private final List<BlobStoreProbe> probes;
    private final Duration recheckAfter;
    private final Clock clock = Clock.systemUTC();
    private volatile Health last;
    private volatile Instant lastAt = Instant.MIN;

    public BlobStoreHealthIndicator(@Value("${connecta.blob.store:local}") String store, List<BlobStoreProbe> probes,
                                    @Value("${connecta.blob.health.recheck-after:1s}") Duration recheckAfter) {
        this.store = store;
        this.probes = probes;
        this.recheckAfter = recheckAfter;
    }

    @Override
    public Health health() {
        Health health = probes.stream().filter(p -> p.store().equals(store)).findFirst()
                .map(BlobStoreProbe::check)
                .orElseGet(() -> Health.unknown().withDetail("store", store)
                        .withDetail("check", "no probe for this store").build());
        last = health;
        lastAt = clock.instant();
        return health;
    }

    /**
     * Throws a 503 {@link ApiProblemException} saying why when the store is DOWN. A result younger than
     * {@code connecta.blob.health.recheck-after} (1 s) is reused, so a burst of submissions costs one probe.
     */
    public void requireAvailable() {
        Health health = lastAt.plus(recheckAfter).isAfter(clock.instant()) && last != null ? last : health();
        if (Status.DOWN.equals(health.getStatus())) {
            throw new ApiProblemException(503, "the blob store is unavailable (" + store + ": "
                    + health.getDetails().getOrDefault("error", "DOWN") + "); try again later");
        }
    }
}
