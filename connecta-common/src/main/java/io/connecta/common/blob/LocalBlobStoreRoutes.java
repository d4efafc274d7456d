package io.connecta.common.blob;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.nio.file.Path;

/**
 * The blob store in a local folder (the zero set-up default): {@code connecta.blob.local.root}, default
 * {@code var/blobs} below the working directory. A blob id is a path below the root.
 */
@Component
@ConditionalOnProperty(name = "connecta.blob.store", havingValue = "local", matchIfMissing = true)
public class LocalBlobStoreRoutes extends RouteBuilder {

    static final String ROOT = "{{connecta.blob.local.root:var/blobs}}";

    @Override
    public void configure() {
        LocalBlobFolder folder = new LocalBlobFolder(Path.of(getContext().resolvePropertyPlaceholders(ROOT)));

        // stream caching off: it would copy a large stream into memory on the way in
        from(BlobStore.PUT).routeId("blob-put").noStreamCaching()
                // an internal step: failures go back to the calling route, whose error handling decides (a job's
                // FAILED or its retry, an API answer); an error handler here would end them unseen by the caller
                .errorHandler(noErrorHandler())
                .process(folder::checkWritable)
                .doTry()
                    // written under a temporary name ('~' never occurs in a blob id), then renamed over the target in
                    // one step (TryRename: no delete first): a reader sees the old blob or the new one, never a part
                    .to("file:" + ROOT + "?fileName=${header." + BlobStore.BLOB_ID + "}"
                            + "&tempFileName=${file:onlyname}" + LocalBlobFolder.TEMPORARY_SUFFIX
                            + "&fileExist=TryRename&copyAndDeleteOnRenameFail=false")
                .doFinally()
                    // a put that failed half way leaves no temporary file behind
                    .process(folder::deleteTemporary)
                .end()
                .removeHeader(Exchange.FILE_NAME_PRODUCED)
                .process(folder::setSize)
                .setBody(constant(null));

        // camel-file has no "read this one file now" producer (its consumer polls a folder), so a processor opens it
        from(BlobStore.GET).routeId("blob-get").noStreamCaching()
                // an internal step: failures go back to the calling route, whose error handling decides (a job's
                // FAILED or its retry, an API answer); an error handler here would end them unseen by the caller
                .errorHandler(noErrorHandler())
                .process(folder::read);

        // camel-file's producer writes files only: a processor removes the blob (and what a put of it left)
        from(BlobStore.DELETE).routeId("blob-delete")
                // an internal step: failures go back to the calling route, whose error handling decides
                .errorHandler(noErrorHandler())
                .process(folder::delete);
    }
}
