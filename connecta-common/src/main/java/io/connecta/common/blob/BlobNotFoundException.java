package io.connecta.common.blob;

/** No blob with that id in the store. */
public class BlobNotFoundException extends RuntimeException {

    public BlobNotFoundException(String blobId) {
        super("no blob with id '" + blobId + "'");
    }
}
