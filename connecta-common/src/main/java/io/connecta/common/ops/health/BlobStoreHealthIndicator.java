package io.connecta.common.ops.health;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.List;

/** Health contributor {@code blobStore}: the probe of the configured store ({@code connecta.blob.store}, default local). */
@Component("blobStoreHealthIndicator")
public class BlobStoreHealthIndicator implements HealthIndicator {

    private final String store;
    private final List<BlobStoreProbe> probes;

    public BlobStoreHealthIndicator(@Value("${connecta.blob.store:local}") String store, List<BlobStoreProbe> probes) {
        this.store = store;
        this.probes = probes;
    }

    @Override
    public Health health() {
        return probes.stream().filter(p -> p.store().equals(store)).findFirst()
                .map(BlobStoreProbe::check)
                .orElseGet(() -> Health.unknown().withDetail("store", store)
                        .withDetail("check", "no probe for this store").build());
    }
}
