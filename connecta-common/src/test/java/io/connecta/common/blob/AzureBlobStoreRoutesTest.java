package io.connecta.common.blob;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import io.connecta.common.test.Azurite;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AzureBlobStoreRoutes}: the contract on a real Azurite, in a container of this test class's own. */
class AzureBlobStoreRoutesTest extends AbstractBlobStoreRoutesTest {

    static final String CONTAINER = "blob-test-" + UUID.randomUUID().toString().substring(0, 8);
    static final Path SPOOL = temporaryFolder();

    @Autowired
    @Qualifier(AzureBlobStoreConfiguration.SERVICE_CLIENT)
    BlobServiceClient azure;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("connecta.blob.store", () -> "azure");
        registry.add("connecta.blob.azure.endpoint", Azurite::endpoint);
        registry.add("connecta.blob.azure.account-name", () -> Azurite.ACCOUNT_NAME);
        registry.add("connecta.blob.azure.access-key", () -> Azurite.ACCOUNT_KEY);
        registry.add("connecta.blob.azure.container", () -> CONTAINER);
        registry.add("connecta.blob.azure.spool-dir", SPOOL::toString);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("azure-blob-spool-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    Set<String> storedNames() {
        return azure.getBlobContainerClient(CONTAINER).listBlobs().stream().map(BlobItem::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    long bytesOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(SPOOL)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void containerIsCreatedAtStartUp() {
        assertThat(azure.getBlobContainerClient(CONTAINER).exists()).as("the configured container exists").isTrue();
    }

    @Test
    void spooledStreamsAreDeletedAfterTheUpload() throws IOException {
        put("spool/cleanup", new java.io.ByteArrayInputStream(everyByteValue()));
        try (Stream<Path> files = Files.list(SPOOL)) {
            assertThat(files).as("no spool file stays behind").isEmpty();
        }
    }
}
