package io.connecta.common.blob;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Azure client of the blob store. A bean rather than {@code camel.component.azure-storage-blob.*} settings:
 * the component always builds {@code https://<account>.blob.core.windows.net} itself and cannot point at Azurite.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "connecta.blob.store", havingValue = "azure")
@EnableConfigurationProperties(AzureBlobStoreProperties.class)
public class AzureBlobStoreConfiguration {

    /** Bean name; the routes name it in their endpoint URI so no other BlobServiceClient bean can take its place. */
    public static final String SERVICE_CLIENT = "connectaBlobServiceClient";

    @Bean(SERVICE_CLIENT)
    public BlobServiceClient connectaBlobServiceClient(AzureBlobStoreProperties properties) {
        BlobServiceClient client = new BlobServiceClientBuilder()
                .endpoint(properties.serviceUrl())
                .credential(new StorageSharedKeyCredential(properties.accountName(), properties.accessKey()))
                .buildClient();
        // the store's one container is made here, at start-up, so no put meets a missing container
        client.getBlobContainerClient(properties.container()).createIfNotExists();
        return client;
    }
}
