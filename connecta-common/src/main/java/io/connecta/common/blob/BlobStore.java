package io.connecta.common.blob;

/**
 * The blob store contract: three internal endpoints, whichever implementation {@code connecta.blob.store} selects
 * ({@code local} folder by default, {@code azure} for Azure Blob Storage).
 * <ul>
 *   <li>{@link #PUT}: body = the content (InputStream, File or bytes; streamed), header {@link #BLOB_ID};
 *       afterwards header {@link #BLOB_SIZE} holds the stored size in bytes and the body is empty. A put replaces a
 *       blob whole: a reader sees the old content or the new, never a part.</li>
 *   <li>{@link #GET}: header {@link #BLOB_ID}; afterwards the body is an InputStream of the content (the caller
 *       reads it to the end or closes it) and {@link #BLOB_SIZE} the size. An unknown id throws
 *       {@link BlobNotFoundException}.</li>
 *   <li>{@link #DELETE}: header {@link #BLOB_ID}; removes that blob. A blob that is not there is no error: afterwards
 *       the body is a {@link Boolean}, {@code true} when the store held the blob and removed it, {@code false} when it
 *       held none. A put under way at that moment, of that id (or, in the local store, of any id in a folder the
 *       delete empties and removes), may fail, or may store its blob after the delete.</li>
 * </ul>
 * Ids are checked by {@link BlobIds}; a bad id throws {@link IllegalArgumentException} before storage is touched.
 * A route that carries a blob's stream further must turn stream caching off ({@code .noStreamCaching()}): Camel's
 * default stream cache would copy the whole stream into memory.
 */
public final class BlobStore {

    public static final String PUT = "direct:blob-put";
    public static final String GET = "direct:blob-get";
    public static final String DELETE = "direct:blob-delete";
    public static final String BLOB_ID = "ConnectaBlobId";
    public static final String BLOB_SIZE = "ConnectaBlobSize";

    private BlobStore() {
    }
}
