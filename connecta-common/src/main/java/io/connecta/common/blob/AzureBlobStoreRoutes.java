package io.connecta.common.blob;

import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.WrappedFile;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.azure.storage.blob.BlobConstants;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The blob store in an Azure Blob Storage container ({@code connecta.blob.store=azure}); a blob id is the blob name.
 *
 * <p>Streaming. The component's {@code uploadBlockBlob} sends one Put Blob request of a length it must know up front.
 * It takes the length from a {@code byte[]} or {@code File} body or the {@code CamelAzureStorageBlobBlobUploadSize}
 * header; for any other stream it guesses: 0 for a stream without mark support (an empty blob, silently) or, with
 * mark support, {@code available()} skipped within a 1 KiB mark. And the SDK marks a markable stream with
 * {@code Integer.MAX_VALUE} to replay it on a retry, so a {@code BufferedInputStream} (what the component opens for a
 * {@code File} body) buffers everything it reads. So: a stream of unknown length is first spooled to a file under
 * {@code connecta.blob.azure.spool-dir} (default {@code var/tmp/blob-spool}); a file is uploaded through
 * {@link ReplayableFileInputStream} with its length in the header. The SDK then reads 4 MiB at a time, and memory stays
 * flat whatever the size. {@code getBlob} with an empty body answers a {@code BlobInputStream}: ranged reads of 4 MiB,
 * pinned to the blob's ETag, so an overwrite during a read fails the read instead of mixing two versions.
 */
@Component
@ConditionalOnProperty(name = "connecta.blob.store", havingValue = "azure")
public class AzureBlobStoreRoutes extends RouteBuilder {

    private static final String CONTAINER = "azure-storage-blob:{{connecta.blob.azure.account-name}}"
            + "/{{connecta.blob.azure.container:" + AzureBlobStoreProperties.DEFAULT_CONTAINER + "}}"
            + "?serviceClient=#" + AzureBlobStoreConfiguration.SERVICE_CLIENT;
    private static final String SPOOL_DIR = "{{connecta.blob.azure.spool-dir:var/tmp/blob-spool}}";
    private static final String SPOOL_FILE = "ConnectaBlobSpoolFile";
    private static final String UPLOAD_SIZE = "ConnectaBlobUploadSize";
    private static final String COMPONENT_HEADERS = "CamelAzureStorageBlob*";

    @Override
    public void configure() {
        Predicate lengthKnown = exchange -> {
            Object body = exchange.getMessage().getBody();
            return body instanceof byte[] || body instanceof File || body instanceof Path || body instanceof WrappedFile;
        };

        String spoolDir = getContext().resolvePropertyPlaceholders(SPOOL_DIR);

        // stream caching off: it would copy a large stream into memory on the way in
        from(BlobStore.PUT).routeId("blob-put").noStreamCaching()
                // an internal step: failures go back to the calling route, whose error handling decides (a job's
                // FAILED or its retry, an API answer); an error handler here would end them unseen by the caller
                .errorHandler(noErrorHandler())
                .process(AzureBlobStoreRoutes::checkId)
                // a caller's stray component headers must not steer the operation, container or blob name
                .removeHeaders(COMPONENT_HEADERS)
                .doTry()
                    // a stream of unknown length goes to a spool file first (see the class comment)
                    .choice().when(PredicateBuilder.not(lengthKnown))
                        .setProperty(SPOOL_FILE, simple(spoolDir + "/${exchangeId}.spool"))
                        .to("file:" + SPOOL_DIR + "?fileName=${exchangeId}.spool")
                        .removeHeader(Exchange.FILE_NAME_PRODUCED)
                        .setBody(exchangeProperty(SPOOL_FILE))
                    .end()
                    .process(AzureBlobStoreRoutes::bodyWithLength)
                    .setHeader(BlobConstants.BLOB_NAME, header(BlobStore.BLOB_ID))
                    .to(CONTAINER + "&operation=uploadBlockBlob")
                .endDoTry()
                .doFinally()
                    .process(AzureBlobStoreRoutes::deleteSpoolFile)
                .end()
                .setHeader(BlobStore.BLOB_SIZE, exchangeProperty(UPLOAD_SIZE))
                .removeHeaders(COMPONENT_HEADERS)
                .removeProperties("ConnectaBlob*")
                .setBody(constant(null));

        from(BlobStore.GET).routeId("blob-get").noStreamCaching()
                // an internal step: failures go back to the calling route, whose error handling decides (a job's
                // FAILED or its retry, an API answer); an error handler here would end them unseen by the caller
                .errorHandler(noErrorHandler())
                .process(AzureBlobStoreRoutes::checkId)
                .removeHeaders(COMPONENT_HEADERS)
                .setHeader(BlobConstants.BLOB_NAME, header(BlobStore.BLOB_ID))
                // no body: getBlob then opens a BlobInputStream instead of downloading into an OutputStream body
                .setBody(constant(null))
                .doTry()
                    .to(CONTAINER + "&operation=getBlob")
                .doCatch(BlobStorageException.class).onWhen(AzureBlobStoreRoutes::notFound)
                    .process(exchange -> {
                        throw new BlobNotFoundException(exchange.getMessage().getHeader(BlobStore.BLOB_ID, String.class));
                    })
                .end()
                .setHeader(BlobStore.BLOB_SIZE, header(BlobConstants.BLOB_SIZE))
                .removeHeaders(COMPONENT_HEADERS);

        // a put is one request: a put that failed left nothing, and the blob is all there is to remove
        from(BlobStore.DELETE).routeId("blob-delete")
                // an internal step: failures go back to the calling route, whose error handling decides
                .errorHandler(noErrorHandler())
                .process(AzureBlobStoreRoutes::checkId)
                .removeHeaders(COMPONENT_HEADERS)
                .setHeader(BlobConstants.BLOB_NAME, header(BlobStore.BLOB_ID))
                // the blob goes whole: a snapshot of it would otherwise refuse the delete (409 SnapshotsPresent)
                .setHeader(BlobConstants.DELETE_SNAPSHOT_OPTION_TYPE, constant(DeleteSnapshotsOptionType.INCLUDE))
                .setBody(constant(null))
                .doTry()
                    .to(CONTAINER + "&operation=deleteBlob")
                    .setBody(constant(true))
                .doCatch(BlobStorageException.class).onWhen(AzureBlobStoreRoutes::notFound)
                    .setBody(constant(false))
                .end()
                .removeHeaders(COMPONENT_HEADERS);
    }

    private static void checkId(Exchange exchange) {
        BlobIds.check(exchange.getMessage().getHeader(BlobStore.BLOB_ID, String.class));
    }

    /** A byte[] stays as it is; a file becomes a replayable stream with its length in the component's size header. */
    private static void bodyWithLength(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        Object body = in.getBody();
        if (body instanceof byte[] bytes) {
            exchange.setProperty(UPLOAD_SIZE, (long) bytes.length);
            return;
        }
        if (body instanceof WrappedFile<?> wrapped) {
            body = wrapped.getFile();
        }
        Path file = body instanceof Path path ? path
                : body instanceof File f ? f.toPath()
                : in.getMandatoryBody(File.class).toPath();
        long size = Files.size(file);
        exchange.setProperty(UPLOAD_SIZE, size);
        in.setHeader(BlobConstants.BLOB_UPLOAD_SIZE, size);
        in.setBody(new ReplayableFileInputStream(file));
    }

    private static void deleteSpoolFile(Exchange exchange) throws IOException {
        String spooled = (String) exchange.removeProperty(SPOOL_FILE);
        if (spooled != null) {
            Files.deleteIfExists(Path.of(spooled));
        }
    }

    /** doCatch evaluates onWhen before it sets EXCEPTION_CAUGHT: the exception is still the exchange's own here. */
    private static boolean notFound(Exchange exchange) {
        BlobStorageException e = exchange.getException(BlobStorageException.class);
        return e != null && e.getStatusCode() == 404;
    }
}
