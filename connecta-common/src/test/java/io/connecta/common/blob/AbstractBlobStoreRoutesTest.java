package io.connecta.common.blob;

import io.connecta.blobtest.BlobStoreTestApplication;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StreamCache;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The blob store contract ({@link BlobStore}); the subclasses run it against each implementation. */
@CamelSpringBootTest
@SpringBootTest(classes = BlobStoreTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
abstract class AbstractBlobStoreRoutesTest {

    static final long MIB = 1024 * 1024;

    @Autowired
    ProducerTemplate template;

    /** Everything the store holds (and, for a folder, what lies around it), to show a rejected call wrote nothing. */
    abstract Set<String> storedNames() throws IOException;

    /** Bytes written to disk by the store so far (blob files, temporary or spool files), to show a put streams. */
    abstract long bytesOnDisk() throws IOException;

    Exchange put(String id, Object body) {
        return template.send(BlobStore.PUT, e -> {
            e.getMessage().setHeader(BlobStore.BLOB_ID, id);
            e.getMessage().setBody(body);
        });
    }

    Exchange get(String id) {
        return template.send(BlobStore.GET, e -> e.getMessage().setHeader(BlobStore.BLOB_ID, id));
    }

    Exchange delete(String id) {
        return template.send(BlobStore.DELETE, e -> e.getMessage().setHeader(BlobStore.BLOB_ID, id));
    }

    byte[] content(String id) throws IOException {
        Exchange got = get(id);
        assertThat(got.getException()).as("get of '%s' succeeds", id).isNull();
        Object body = got.getMessage().getBody();
        assertThat(body).as("get answers a stream, not content held in memory")
                .isInstanceOf(InputStream.class).isNotInstanceOf(StreamCache.class).isNotInstanceOf(ByteArrayInputStream.class);
        try (InputStream in = (InputStream) body) {
            return in.readAllBytes();
        }
    }

    static byte[] everyByteValue() {
        byte[] bytes = new byte[256 * 3];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void putThenGetReturnsTheExactBytes() throws IOException {
        byte[] text = "hello, blob\n".getBytes(StandardCharsets.UTF_8);
        assertThat(put("exact/text.txt", text).getException()).as("put of bytes succeeds").isNull();
        assertThat(content("exact/text.txt")).as("text comes back byte for byte").isEqualTo(text);

        byte[] binary = everyByteValue();
        assertThat(put("exact/binary.dat", new ByteArrayInputStream(binary)).getException()).as("put of a stream succeeds").isNull();
        assertThat(content("exact/binary.dat")).as("all 256 byte values come back unchanged").isEqualTo(binary);
    }

    @Test
    void fileBodyIsStored() throws IOException {
        Path file = Files.createTempFile("blob-body-", ".dat");
        try {
            Files.write(file, everyByteValue());
            assertThat(put("file/body.dat", file.toFile()).getException()).as("put of a File succeeds").isNull();
            assertThat(content("file/body.dat")).as("the file's bytes are stored").isEqualTo(everyByteValue());
            assertThat(file).as("the caller's file is left in place").exists();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void sizeHeaderIsTheStoredSize() {
        Exchange stored = put("size/seven", new ByteArrayInputStream("1234567".getBytes(StandardCharsets.US_ASCII)));
        assertThat(stored.getMessage().getHeader(BlobStore.BLOB_SIZE, Long.class)).as("put reports the stored size").isEqualTo(7L);
        Exchange got = get("size/seven");
        assertThat(got.getMessage().getHeader(BlobStore.BLOB_SIZE, Long.class)).as("get reports the size").isEqualTo(7L);
        closeBody(got);

        put("size/empty", new byte[0]);
        assertThat(get("size/empty").getMessage().getHeader(BlobStore.BLOB_SIZE, Long.class)).as("an empty blob has size 0").isZero();
    }

    @Test
    void overwriteReplacesTheBlob() throws IOException {
        put("over/write", "first version, the longer one".getBytes(StandardCharsets.UTF_8));
        Exchange second = put("over/write", new ByteArrayInputStream("second".getBytes(StandardCharsets.UTF_8)));
        assertThat(second.getException()).as("a second put of the same id succeeds").isNull();
        assertThat(new String(content("over/write"), StandardCharsets.UTF_8)).as("the second put replaces the first whole")
                .isEqualTo("second");
    }

    @Test
    void unknownIdIsNotFound() {
        Exchange got = get("no/such/blob");
        assertThat(got.getException()).as("get of an id never put fails with BlobNotFoundException")
                .isInstanceOf(BlobNotFoundException.class).hasMessageContaining("no/such/blob");
    }

    @Test
    void deleteRemovesTheBlobAndSaysSo() throws IOException {
        put("delete/gone", "to be deleted".getBytes(StandardCharsets.UTF_8));
        put("delete/stays", "beside it".getBytes(StandardCharsets.UTF_8));

        Exchange deleted = delete("delete/gone");
        assertThat(deleted.getException()).as("delete of a stored blob succeeds").isNull();
        assertThat(deleted.getMessage().getBody()).as("the body says a blob was removed").isEqualTo(true);
        assertThat(get("delete/gone").getException()).as("the blob is gone").isInstanceOf(BlobNotFoundException.class);
        assertThat(content("delete/stays")).as("the blob beside it stays").asString(StandardCharsets.UTF_8)
                .isEqualTo("beside it");
    }

    @Test
    void deleteOfAnAbsentBlobIsNoError() throws IOException {
        Set<String> before = storedNames();
        for (String id : new String[] {"delete/never/stored", "never-stored"}) {
            Exchange deleted = delete(id);
            assertThat(deleted.getException()).as("delete of '%s', never stored, is no error", id).isNull();
            assertThat(deleted.getMessage().getBody()).as("the body says nothing was removed").isEqualTo(false);
        }
        put("delete/twice", new byte[] {1});
        assertThat(delete("delete/twice").getMessage().getBody()).as("the first delete removes it").isEqualTo(true);
        Exchange again = delete("delete/twice");
        assertThat(again.getException()).as("a second delete is no error").isNull();
        assertThat(again.getMessage().getBody()).as("and removes nothing").isEqualTo(false);
        assertThat(storedNames()).as("the store is as before").isEqualTo(before);
    }

    @Test
    void putThatFailsHalfWayLeavesNothingBehind() throws IOException {
        // a blob beside it first: the local store keeps the folders a put creates, even when the put fails
        put("broken/beside", new byte[] {1});
        Set<String> before = storedNames();
        long onDisk = bytesOnDisk();
        InputStream breaksAfter3MiB = new GeneratedStream(8 * MIB, produced -> {
            if (produced >= 3 * MIB) {
                throw new IOException("connection reset (simulated)");
            }
            return 0;
        });

        Exchange stored = put("broken/upload", breaksAfter3MiB);
        assertThat(stored.getException()).as("a put whose stream breaks fails").isNotNull();
        assertThat(get("broken/upload").getException()).as("no partial blob is visible")
                .isInstanceOf(BlobNotFoundException.class);
        assertThat(storedNames()).as("nothing is left in the store").isEqualTo(before);
        assertThat(bytesOnDisk()).as("no temporary or spool file is left").isEqualTo(onDisk);
    }

    @ParameterizedTest(name = "''{0}''")
    @NullAndEmptySource
    @ValueSource(strings = {"../x", "/abs", "a//b", "a/../b", "../../etc/passwd"})
    void badIdsAreRejectedAndChangeNothing(String id) throws IOException {
        Set<String> before = storedNames();

        Exchange stored = put(id, "must not land anywhere".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.getException()).as("put with id '%s' is rejected", id).isInstanceOf(IllegalArgumentException.class);
        Exchange got = get(id);
        assertThat(got.getException()).as("get with id '%s' is rejected", id).isInstanceOf(IllegalArgumentException.class);
        Exchange deleted = delete(id);
        assertThat(deleted.getException()).as("delete with id '%s' is rejected", id)
                .isInstanceOf(IllegalArgumentException.class).hasMessage(got.getException().getMessage());

        assertThat(storedNames()).as("a rejected put writes nothing, a rejected delete removes nothing")
                .isEqualTo(before);
    }

    @Test
    void largeStreamRoundTripsWithoutBeingHeldWhole() throws Exception {
        long size = 64 * MIB;
        long baseline = bytesOnDisk();
        GeneratedStream source = new GeneratedStream(size, produced -> produced - (bytesOnDisk() - baseline));

        Exchange stored = put("large/64mib.bin", source);
        assertThat(stored.getException()).as("put of a 64 MiB stream succeeds").isNull();
        assertThat(stored.getMessage().getHeader(BlobStore.BLOB_SIZE, Long.class)).as("stored size").isEqualTo(size);
        assertThat(source.maxLag).as("the store writes to disk while it reads the stream (at most 8 MiB behind)")
                .isLessThanOrEqualTo(8 * MIB);

        Exchange got = get("large/64mib.bin");
        assertThat(got.getException()).as("get of the large blob succeeds").isNull();
        assertThat(got.getMessage().getHeader(BlobStore.BLOB_SIZE, Long.class)).as("size of the large blob").isEqualTo(size);
        MessageDigest sha = sha256();
        long read = 0;
        try (InputStream in = got.getMessage().getMandatoryBody(InputStream.class)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; read += n) {
                sha.update(buffer, 0, n);
            }
        }
        assertThat(read).as("bytes read back").isEqualTo(size);
        assertThat(HexFormat.of().formatHex(sha.digest())).as("SHA-256 of what came back equals that of what went in")
                .isEqualTo(HexFormat.of().formatHex(source.sha.digest()));
    }

    static void closeBody(Exchange exchange) {
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            // closed
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Lag {
        /** How many of the bytes produced so far have not reached the store's disk. */
        long of(long produced) throws IOException;
    }

    /**
     * Deterministic pseudo-random bytes made as they are read, hashed on the way: the test never holds the content.
     * Every 4 MiB it samples how far the store's writes trail the reads.
     */
    static final class GeneratedStream extends InputStream {

        final MessageDigest sha = sha256();
        long maxLag;

        private final long size;
        private final Lag lag;
        private final SplittableRandom random = new SplittableRandom(20240601);
        private long produced;
        private long nextSample = 4 * MIB;

        GeneratedStream(long size, Lag lag) {
            this.size = size;
            this.lag = lag;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (produced == size) {
                return -1;
            }
            int n = (int) Math.min(len, size - produced);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            sha.update(b, off, n);
            produced += n;
            if (produced >= nextSample) {
                maxLag = Math.max(maxLag, lag.of(produced));
                nextSample += 4 * MIB;
            }
            return n;
        }
    }
}
