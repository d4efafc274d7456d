package io.connecta.common.blob;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LocalBlobStoreRoutes}: the contract on a folder, plus confinement to the root against symbolic links. */
class LocalBlobStoreRoutesTest extends AbstractBlobStoreRoutesTest {

    /** The root's parent: what lies beside the root must stay untouched too. */
    static final Path AROUND = temporaryFolder();
    static final Path ROOT = AROUND.resolve("blobs");
    static final Path OUTSIDE = AROUND.resolve("outside");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("connecta.blob.store", () -> "local");
        registry.add("connecta.blob.local.root", ROOT::toString);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("local-blob-store-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    Set<String> storedNames() throws IOException {
        try (Stream<Path> files = Files.walk(AROUND)) {
            return files.map(p -> AROUND.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Override
    long bytesOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void blobIsAFileBelowTheRootAndNoTemporaryFileStays() throws IOException {
        put("layout/a/b.txt", "b".getBytes(StandardCharsets.UTF_8));
        put("layout/a/b.txt", "b2".getBytes(StandardCharsets.UTF_8));
        assertThat(ROOT.resolve("layout/a/b.txt")).as("the id is the path below the root").hasContent("b2");
        try (Stream<Path> files = Files.list(ROOT.resolve("layout/a"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("temporary files are renamed away").containsExactly("b.txt");
        }
    }

    @Test
    void deleteRemovesWhatAPutLeftAndTheFoldersItEmptied() throws IOException {
        put("emptied/a/b/blob", "b".getBytes(StandardCharsets.UTF_8));
        Path leftover = Files.writeString(ROOT.resolve("emptied/a/b/blob.~ID-dead-put"), "half");
        Path beside = Files.writeString(ROOT.resolve("emptied/beside"), "stays");
        Path otherTemporary = Files.writeString(ROOT.resolve("emptied/a/b/blob2.~ID-other-put"), "not this blob's");

        assertThat(delete("emptied/a/b/blob").getMessage().getBody()).as("the blob was removed").isEqualTo(true);
        assertThat(leftover).as("the temporary file of a put of it goes with it").doesNotExist();
        assertThat(otherTemporary).as("another blob's temporary file stays").exists();

        Files.delete(otherTemporary);
        Path onlyLeftover = Files.writeString(ROOT.resolve("emptied/a/b/blob.~ID-dead-put"), "half");
        assertThat(delete("emptied/a/b/blob").getMessage().getBody()).as("no blob, only what a put left")
                .isEqualTo(false);
        assertThat(onlyLeftover).as("which goes").doesNotExist();
        assertThat(ROOT.resolve("emptied/a")).as("the folders it emptied go").doesNotExist();
        assertThat(beside).as("a folder that still holds a blob stays").hasContent("stays");
        assertThat(ROOT).as("the root stays").isDirectory();
    }

    @Test
    void aFolderInTheBlobsPlaceIsNoBlob() throws IOException {
        put("holder/below", new byte[] {1});

        Exchange deleted = delete("holder");
        assertThat(deleted.getException()).as("no error").isNull();
        assertThat(deleted.getMessage().getBody()).as("nothing removed").isEqualTo(false);
        assertThat(ROOT.resolve("holder/below")).as("the blob below it stays").exists();
    }

    @Test
    void symlinkInTheBlobsPlaceIsRemovedNotFollowed() throws IOException {
        Path secrets = Files.createDirectories(OUTSIDE.resolve("delete"));
        Path secret = Files.writeString(secrets.resolve("secret.txt"), "outside the root");
        Path links = Files.createDirectories(ROOT.resolve("links"));
        Path fileLink = Files.createSymbolicLink(links.resolve("file-link"), secret);
        Path dirLink = Files.createSymbolicLink(links.resolve("dir-link"), secrets);
        Path dangling = Files.createSymbolicLink(links.resolve("dangling"), OUTSIDE.resolve("no-such-file"));

        for (Path link : new Path[] {fileLink, dirLink, dangling}) {
            Exchange deleted = delete(ROOT.relativize(link).toString());
            assertThat(deleted.getException()).as("delete of the link %s succeeds", link.getFileName()).isNull();
            assertThat(deleted.getMessage().getBody()).as("and says so").isEqualTo(true);
            assertThat(link).as("the link is removed").doesNotExist();
            assertThat(Files.isSymbolicLink(link)).as("the link is removed").isFalse();
        }
        assertThat(secret).as("what the links pointed to is untouched").hasContent("outside the root");
        assertThat(links).as("the emptied folder goes").doesNotExist();
    }

    @Test
    void symlinkOutOfTheRootIsNotFollowedForDelete() throws IOException {
        Path secrets = Files.createDirectories(OUTSIDE.resolve("delete-through"));
        Files.writeString(secrets.resolve("secret.txt"), "outside the root");
        Files.writeString(secrets.resolve("secret.txt.~ID-1"), "outside the root");
        Files.createSymbolicLink(ROOT.resolve("dir-link-delete"), secrets);
        Set<String> before = storedNames();

        Exchange throughDirectory = delete("dir-link-delete/secret.txt");
        assertThat(throughDirectory.getException()).as("a delete through a linked folder is refused")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("symbolic link");

        assertThat(storedNames()).as("nothing was removed inside or outside the root").isEqualTo(before);
        assertThat(secrets.resolve("secret.txt")).as("the file outside is unchanged").hasContent("outside the root");
    }

    @Test
    void symlinkOutOfTheRootIsNotFollowedForGet() throws IOException {
        Path secrets = Files.createDirectories(OUTSIDE.resolve("get"));
        Files.writeString(secrets.resolve("secret.txt"), "outside the root");
        Files.createSymbolicLink(ROOT.resolve("dir-link-get"), secrets);
        Files.createSymbolicLink(ROOT.resolve("file-link-get"), secrets.resolve("secret.txt"));

        assertThat(get("dir-link-get/secret.txt").getException()).as("a linked directory is not read through")
                .isInstanceOf(BlobNotFoundException.class);
        assertThat(get("file-link-get").getException()).as("a linked file is not read")
                .isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void symlinkOutOfTheRootIsNotFollowedForPut() throws IOException {
        Path secrets = Files.createDirectories(OUTSIDE.resolve("put"));
        Files.writeString(secrets.resolve("secret.txt"), "outside the root");
        Files.createSymbolicLink(ROOT.resolve("dir-link-put"), secrets);
        Files.createSymbolicLink(ROOT.resolve("file-link-put"), secrets.resolve("secret.txt"));
        Set<String> before = storedNames();

        Exchange throughDirectory = put("dir-link-put/new.txt", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(throughDirectory.getException()).as("a put through a linked directory is refused")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("symbolic link");
        Exchange overFile = put("file-link-put", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(overFile.getException()).as("a put onto a linked file is refused")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("symbolic link");

        assertThat(storedNames()).as("nothing was written inside or outside the root").isEqualTo(before);
        assertThat(secrets.resolve("secret.txt")).as("the file outside is unchanged").hasContent("outside the root");
    }
}
