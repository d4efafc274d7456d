package io.connecta.orchestrator.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Removing what an unrecorded upload left in the local blob store: the job's folder goes, with the temporary file of a
 * put; nothing outside the store is touched through a symbolic link, and nothing but a job id names what goes.
 */
class JobInputsTest {

    @TempDir
    Path dir;

    JobInputs inputs(Path root) {
        return new JobInputs(new DefaultListableBeanFactory(), "local", root, "connecta");
    }

    @Test
    void theJobsFolderGoesWithWhatAPutLeftAndOtherJobsStay() throws Exception {
        Path root = dir.resolve("blobs");
        String jobId = UUID.randomUUID().toString();
        Path partial = Files.createDirectories(root.resolve("jobs").resolve(jobId)).resolve("input.~ID-1");
        Files.write(partial, new byte[10]);
        Path other = Files.createDirectories(root.resolve("jobs").resolve(UUID.randomUUID().toString())).resolve("input");
        Files.write(other, new byte[10]);

        inputs(root).remove(jobId);

        assertThat(root.resolve("jobs").resolve(jobId)).doesNotExist();
        assertThat(other).as("another job's input").exists();
        inputs(root).remove(jobId);
        inputs(root).remove(UUID.randomUUID().toString());
    }

    @Test
    void linksInTheStoreAreRemovedNeverFollowed() throws Exception {
        Path root = dir.resolve("blobs");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path precious = Files.write(outside.resolve("precious"), new byte[10]);
        String linkInside = UUID.randomUUID().toString();
        Path folder = Files.createDirectories(root.resolve("jobs").resolve(linkInside));
        Files.createSymbolicLink(folder.resolve("input"), precious);
        Files.createSymbolicLink(folder.resolve("dir"), outside);
        String linkedFolder = UUID.randomUUID().toString();
        Files.createSymbolicLink(root.resolve("jobs").resolve(linkedFolder), outside);

        inputs(root).remove(linkInside);
        inputs(root).remove(linkedFolder);

        assertThat(folder).doesNotExist();
        assertThat(root.resolve("jobs").resolve(linkedFolder)).doesNotExist();
        assertThat(precious).as("what the links pointed to").exists();
        assertThat(outside).exists();
    }

    @Test
    void aJobsFolderThatIsALinkIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("blobs"));
        String jobId = UUID.randomUUID().toString();
        Path outside = Files.createDirectories(dir.resolve("outside").resolve(jobId));
        Path precious = Files.write(outside.resolve("input"), new byte[10]);
        Files.createSymbolicLink(root.resolve("jobs"), dir.resolve("outside"));

        assertThatThrownBy(() -> inputs(root).remove(jobId)).isInstanceOf(IllegalStateException.class);
        assertThat(precious).exists();
    }

    @Test
    void nothingButAJobIdNamesWhatIsRemoved() throws Exception {
        Path root = Files.createDirectories(dir.resolve("blobs"));
        Path precious = Files.write(Files.createDirectories(root.resolve("keep")).resolve("x"), new byte[1]);
        for (String id : new String[] {"../keep", "..", "", "keep", null, UUID.randomUUID() + "/../../keep"}) {
            assertThatThrownBy(() -> inputs(root).remove(id)).as("%s", id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(precious).exists();
    }
}
