package io.connecta.cu.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's own check of file-reference paths: whatever the orchestrator let through, nothing leaves the root. */
class CuJobSharedPathTest {

    @TempDir
    Path tmp;
    Path root;
    CuJob job;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(tmp.resolve("outside.txt"), "marker");
        CuJobProperties properties = new CuJobProperties();
        properties.setFileRoot(root.toString());
        job = new CuJob(new ObjectMapper(), null, properties, null, Clock.systemUTC());
    }

    @Test
    void plainRelativePathsResolveInsideTheRoot() throws IOException {
        Files.createDirectories(root.resolve("orders"));
        assertThat(job.sharedPath("orders/a.txt")).isEqualTo(root.resolve("orders/a.txt").toAbsolutePath());
        assertThat(job.sharedPath("orders/new.txt.out")).as("a file still to be written, in a folder inside the root")
                .isEqualTo(root.resolve("orders/new.txt.out").toAbsolutePath());
    }

    @Test
    void traversalAbsoluteAndSlashTricksAreRefused() {
        for (String path : new String[] {"../outside.txt", "/etc/passwd", "a/../../x", "a/../b", "./a", "a//b", "a/",
                "", " ", "a\0b"}) {
            assertThatThrownBy(() -> job.sharedPath(path)).as("'%s' is refused", path)
                    .isInstanceOf(JobFailedException.class).hasMessageContaining("'" + path + "'");
        }
    }

    @Test
    void linksOutOfTheRootAreRefusedForFilesAndFolders() throws IOException {
        Files.createSymbolicLink(root.resolve("sneaky.txt"), tmp.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("away"), tmp);
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nowhere"));

        assertThatThrownBy(() -> job.sharedPath("sneaky.txt")).hasMessageContaining("leads outside the shared root");
        assertThatThrownBy(() -> job.sharedPath("away/outside.txt")).as("through a linked folder")
                .hasMessageContaining("leads outside the shared root");
        assertThatThrownBy(() -> job.sharedPath("away/new.txt.out")).as("an output through a linked folder")
                .hasMessageContaining("leads outside the shared root");
        assertThatThrownBy(() -> job.sharedPath("dangling")).hasMessageContaining("leads outside the shared root");
    }

    @Test
    void linksThatStayInsideTheRootAreFollowed() throws IOException {
        Files.writeString(root.resolve("real.txt"), "x");
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("real.txt"));
        assertThat(job.sharedPath("alias.txt")).isEqualTo(root.resolve("alias.txt").toAbsolutePath());
    }
}
