package io.connecta.orchestrator.jobs;

import com.azure.storage.blob.BlobServiceClient;
import io.connecta.common.blob.AzureBlobStoreConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * Removes what an upload of a job that was never recorded left in the blob store (the blob store contract,
 * {@link io.connecta.common.blob.BlobStore}, has no delete): takes a job id (a UUID), gives nothing; a blob that is not
 * there is no error. Local store: the folder {@code jobs/<jobId>/} below {@code connecta.blob.local.root}, with the
 * temporary file of a put its orchestrator did not live to finish; no symbolic link is followed. Azure: the blob
 * {@code jobs/<jobId>/input} (a put is one request, so a dead orchestrator left nothing else there).
 */
@Component
public class JobInputs {

    private static final Logger LOG = LoggerFactory.getLogger(JobInputs.class);
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final BeanFactory beans;
    private final String store;
    private final Path localRoot;
    private final String container;

    public JobInputs(BeanFactory beans, @Value("${connecta.blob.store:local}") String store,
                     @Value("${connecta.blob.local.root:var/blobs}") Path localRoot,
                     @Value("${connecta.blob.azure.container:connecta}") String container) {
        this.beans = beans;
        this.store = store;
        this.localRoot = localRoot;
        this.container = container;
    }

    /** Removes the input (and anything else) an unrecorded upload of job {@code jobId} stored. */
    public void remove(String jobId) throws IOException {
        // ids come from our own rows; still, nothing but a job id may name what is deleted
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        if ("azure".equals(store)) {
            boolean deleted = beans.getBean(AzureBlobStoreConfiguration.SERVICE_CLIENT, BlobServiceClient.class)
                    .getBlobContainerClient(container).getBlobClient("jobs/" + jobId + "/input").deleteIfExists();
            LOG.info("Input blob of job {} {}", jobId, deleted ? "removed" : "was not stored");
            return;
        }
        Path jobs = localRoot.resolve("jobs");
        if (Files.isSymbolicLink(jobs)) {
            // the store writes through no link either (LocalBlobFolder): this is none of ours
            throw new IllegalStateException("the blob store's " + jobs + " is a symbolic link; nothing is removed");
        }
        Path folder = jobs.resolve(jobId);
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree follows no link: a link is removed itself, never what it points to
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        LOG.info("Input of job {} removed from the blob store ({})", jobId, folder);
    }
}
