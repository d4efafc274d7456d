package io.connecta.common.blob;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The local store's folder: maps a blob id to a file below the root and keeps every access inside it. Ids are
 * checked by {@link BlobIds}, and no path below the root is followed through a symbolic link, so a link placed in
 * the root cannot lead a read, a write or a delete outside. The root itself may be a link (a deployer's choice of
 * disk).
 */
final class LocalBlobFolder {

    /** What camel-file appends to a blob's file name while it writes (file language). */
    static final String TEMPORARY_SUFFIX = ".~${exchangeId}";

    private final Path root;

    LocalBlobFolder(Path configuredRoot) {
        try {
            this.root = Files.createDirectories(configuredRoot).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store root " + configuredRoot.toAbsolutePath(), e);
        }
    }

    Path root() {
        return root;
    }

    /** Before a put: the id is valid and its file can be written without leaving the root. */
    void checkWritable(Exchange exchange) {
        String id = id(exchange.getMessage());
        Path file = locate(id);
        Path link = firstLink(file);
        if (link != null) {
            throw new IllegalStateException("cannot store blob '" + id + "': '" + root.relativize(link)
                    + "' in the store is a symbolic link, and the store follows no links");
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("cannot store blob '" + id + "': ids below it exist ('" + id + "/…')");
        }
    }

    /** After a put, whether it succeeded or not: the temporary file, if one is left, is deleted. */
    void deleteTemporary(Exchange exchange) throws IOException {
        Path file = locate(id(exchange.getMessage()));
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".~" + exchange.getExchangeId()));
    }

    /** After a put: the stored size. */
    void setSize(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        in.setHeader(BlobStore.BLOB_SIZE, Files.size(locate(id(in))));
    }

    /** Get: the body becomes a stream of the file (closed at its end), the size header its length. */
    void read(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String id = id(in);
        Path file = locate(id);
        if (firstLink(file) != null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BlobNotFoundException(id);
        }
        FileChannel channel;
        try {
            // NOFOLLOW_LINKS: a link swapped in after the check above still fails to open
            channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(id);
        }
        // the size of the file we opened: a put renames a new file over the name, this one stays whole
        in.setHeader(BlobStore.BLOB_SIZE, channel.size());
        in.setBody(new CloseAtEnd(Channels.newInputStream(channel)));
    }

    /**
     * Delete: the blob's file goes, and with it any temporary file of a put of that id (one whose process died left
     * it; one under way then fails). A symbolic link in the blob's place is removed itself, never followed; a link on
     * the way to it (a folder of the store) refuses the delete. The folders that held the blob go too once empty, up
     * to the root, as they would in Azure: the store holds blobs, not folders. Body: whether a blob was removed.
     */
    void delete(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String id = id(in);
        Path file = locate(id);
        Path link = firstLink(file);
        if (link != null && !link.equals(file)) {
            throw new IllegalStateException("cannot delete blob '" + id + "': '" + root.relativize(link)
                    + "' in the store is a symbolic link, and the store follows no links");
        }
        Path folder = file.getParent();
        boolean removed = false;
        if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            // '~' never occurs in a blob id: these names are temporary files of this blob, never other blobs
            String temporaryPrefix = file.getFileName() + ".~";
            try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(folder,
                    p -> p.getFileName().toString().startsWith(temporaryPrefix))) {
                for (Path temporary : temporaries) {
                    Files.deleteIfExists(temporary);
                }
            }
            // a folder in the blob's place holds the ids below it: it is no blob
            removed = !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file);
            deleteEmptyFolders(folder);
        }
        in.setBody(removed);
    }

    private void deleteEmptyFolders(Path folder) throws IOException {
        for (Path dir = folder; !dir.equals(root); dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
        }
    }

    private static String id(Message in) {
        return BlobIds.check(in.getHeader(BlobStore.BLOB_ID, String.class));
    }

    private Path locate(String id) {
        Path file = root.resolve(BlobIds.check(id)).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("blob id '" + id + "' does not name a file below the store root");
        }
        return file;
    }

    /** The first path from the root down to {@code file} that is a symbolic link, or null. */
    private Path firstLink(Path file) {
        Path p = root;
        for (Path segment : root.relativize(file)) {
            p = p.resolve(segment);
            if (Files.isSymbolicLink(p)) {
                return p;
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
        }
        return null;
    }

    /** Frees the file handle when the reader reaches the end, as well as on close. */
    private static final class CloseAtEnd extends FilterInputStream {

        CloseAtEnd(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                close();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                close();
            }
            return n;
        }
    }
}
