package io.connecta.common.blob;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code connecta.blob.azure.*}: the storage account, its shared key, the container that holds the blobs, and an
 * optional service URL (Azurite: {@code http://127.0.0.1:10000/devstoreaccount1}; by default the account's
 * {@code https://<account>.blob.core.windows.net}).
 */
@ConfigurationProperties("connecta.blob.azure")
public record AzureBlobStoreProperties(String accountName, String accessKey,
                                       @DefaultValue(AzureBlobStoreProperties.DEFAULT_CONTAINER) String container,
                                       String endpoint) {

    public static final String DEFAULT_CONTAINER = "connecta";

    public AzureBlobStoreProperties {
        if (accountName == null || accountName.isBlank()) {
            throw new IllegalArgumentException("connecta.blob.azure.account-name is required when connecta.blob.store=azure");
        }
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("connecta.blob.azure.access-key is required when connecta.blob.store=azure");
        }
    }

    public String serviceUrl() {
        return endpoint == null || endpoint.isBlank() ? "https://" + accountName + ".blob.core.windows.net" : endpoint;
    }
}
