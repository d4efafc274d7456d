package io.connecta.common.ops.health;

import org.springframework.boot.actuate.health.Health;

/**
 * Checks one kind of blob store for the {@code blobStore} health indicator. One implementation per value of
 * {@code connecta.blob.store} ({@code local}, {@code azure}, …): add a bean of this type for a new store.
 */
public interface BlobStoreProbe {

    /** The value of {@code connecta.blob.store} this probe checks. */
    String store();

    /** UP when the store can take and give blobs now; DOWN with a detail saying why not. */
    Health check();
}
