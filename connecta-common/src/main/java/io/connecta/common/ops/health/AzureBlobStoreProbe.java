package io.connecta.common.ops.health;

import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Azure Blob Storage ({@code connecta.blob.store=azure}). A stub for now: it reports UNKNOWN, which does not take
 * readiness down. To complete: check that the configured container exists and is reachable (e.g. a
 * {@code BlobContainerClient.exists()} with a short timeout; DOWN with the error otherwise).
 */
@Component
public class AzureBlobStoreProbe implements BlobStoreProbe {

    @Override
    public String store() {
        return "azure";
    }

    @Override
    public Health check() {
        return Health.unknown().withDetail("store", store()).withDetail("check", "not implemented yet").build();
    }
}
