package io.connecta.orchestrator.jobs;

import io.connecta.common.blob.BlobStore;
import io.connecta.common.blob.LocalBlobStoreRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobInputs}: removing what an unrecorded upload left, through the blob store's delete (here the local store,
 * whose own tests cover links and the Azure store): the job's input goes with the temporary file of a put, other jobs'
 * inputs stay, and nothing but a job id names what goes.
 */
class JobInputsTest {

    @TempDir
    Path dir;

    Path root;
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        root = dir.resolve("blobs");
        Properties properties = new Properties();
        properties.setProperty("connecta.blob.local.root", root.toString());
        camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setInitialProperties(properties);
        camel.addRoutes(new LocalBlobStoreRoutes());
        camel.addRoutes(new JobInputs());
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    Exchange remove(String jobId) {
        return camel.createProducerTemplate().send(JobInputs.REMOVE, e -> e.getMessage().setHeader("jobId", jobId));
    }

    @Test
    void theJobsInputGoesWithWhatAPutLeftAndOtherJobsStay() throws Exception {
        String jobId = UUID.randomUUID().toString();
        Path folder = Files.createDirectories(root.resolve("jobs").resolve(jobId));
        Path input = Files.write(folder.resolve("input"), new byte[10]);
        Path partial = Files.write(folder.resolve("input.~ID-1"), new byte[10]);
        Path other = Files.createDirectories(root.resolve("jobs").resolve(UUID.randomUUID().toString())).resolve("input");
        Files.write(other, new byte[10]);

        Exchange removed = remove(jobId);

        assertThat(removed.getException()).as("the removal succeeds").isNull();
        assertThat(removed.getMessage().getBody()).as("through the blob store's delete").isEqualTo(true);
        assertThat(input).as("the input").doesNotExist();
        assertThat(partial).as("what a put of it left").doesNotExist();
        assertThat(folder).as("the job's folder, emptied").doesNotExist();
        assertThat(other).as("another job's input").exists();
        assertThat(remove(jobId).getException()).as("removing it again is no error").isNull();
        assertThat(remove(UUID.randomUUID().toString()).getException()).as("nor is a job that stored nothing").isNull();
    }

    @Test
    void aJobsFolderThatIsALinkIsRefused() throws Exception {
        Files.createDirectories(root);
        String jobId = UUID.randomUUID().toString();
        Path outside = Files.createDirectories(dir.resolve("outside").resolve(jobId));
        Path precious = Files.write(outside.resolve("input"), new byte[10]);
        Files.createSymbolicLink(root.resolve("jobs"), dir.resolve("outside"));

        assertThat(remove(jobId).getException()).as("the store follows no link")
                .isInstanceOf(IllegalStateException.class);
        assertThat(precious).as("what the link points to").exists();
    }

    @Test
    void nothingButAJobIdNamesWhatIsRemoved() throws Exception {
        Path precious = Files.write(Files.createDirectories(root.resolve("keep")).resolve("input"), new byte[1]);
        Path blob = Files.write(Files.createDirectories(root.resolve("jobs/keep")).resolve("input"), new byte[1]);
        for (String id : new String[] {"../keep", "..", "", "keep", null, UUID.randomUUID() + "/../../keep",
                UUID.randomUUID().toString().toUpperCase(), UUID.randomUUID() + "/x"}) {
            Exchange removed = remove(id);
            assertThat(removed.getException()).as("job id %s", id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a job id");
            assertThat(removed.getMessage().getHeader(BlobStore.BLOB_ID)).as("the store is not asked").isNull();
        }
        assertThat(precious).exists();
        assertThat(blob).exists();
    }
}
