package io.connecta.common.ops.health;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobServiceClient;
import io.connecta.common.blob.AzureBlobStoreConfiguration;
import io.connecta.common.blob.AzureBlobStoreProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Azure Blob Storage ({@code connecta.blob.store=azure}): UP when the store's container answers that it exists within
 * {@code connecta.blob.azure.health-timeout} (2 s), DOWN with the reason when it does not exist, the service refuses,
 * or nothing answers in time. One cheap request (Get Container Properties); the timeout covers the SDK's own retries,
 * so a stopped service is reported within it instead of after the client's retry schedule (about 30 s).
 */
@Component
public class AzureBlobStoreProbe implements BlobStoreProbe {

    private final ObjectProvider<BlobServiceClient> client;
    private final String container;
    private final Duration timeout;

    public AzureBlobStoreProbe(@Qualifier(AzureBlobStoreConfiguration.SERVICE_CLIENT) ObjectProvider<BlobServiceClient> client,
                               @Value("${connecta.blob.azure.container:" + AzureBlobStoreProperties.DEFAULT_CONTAINER + "}")
                               String container,
                               @Value("${connecta.blob.azure.health-timeout:2s}") Duration timeout) {
        this.client = client;
        this.container = container;
        this.timeout = timeout;
    }

    @Override
    public String store() {
        return "azure";
    }

    @Override
    public Health check() {
        Health.Builder health = new Health.Builder().withDetail("store", store()).withDetail("container", container);
        BlobServiceClient service = client.getIfAvailable();
        if (service == null) {
            return health.down().withDetail("error", "no Azure client (connecta.blob.store is not azure)").build();
        }
        try {
            boolean exists = service.getBlobContainerClient(container).existsWithResponse(timeout, Context.NONE).getValue();
            return exists ? health.up().build()
                    : health.down().withDetail("error", "the container does not exist").build();
        } catch (RuntimeException e) {
            // a refused connection, an authentication error, or no answer within the timeout
            return health.down().withDetail("error", reason(e)).build();
        }
    }

    private String reason(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms" : message;
    }
}
