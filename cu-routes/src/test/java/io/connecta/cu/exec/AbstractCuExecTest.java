package io.connecta.cu.exec;

import io.connecta.profiles.CuProfile;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * What the {@code direct:cu-exec} tests share: the worker ({@link CuExecTest}), a fresh work dir per test, a profile,
 * a run.
 */
@CuExecTest
abstract class AbstractCuExecTest {

    @Autowired
    ProducerTemplate template;

    /** The test's folder of jobs: the work dir {@code job/} and whatever else a test puts beside it. */
    @TempDir
    Path jobs;

    Path workDir;

    @BeforeEach
    void newWorkDir() throws IOException {
        workDir = workDir(jobs);
    }

    /**
     * A fresh work dir {@code job/} in the test's temp folder, which is opened to the run-as user as the worker's own
     * work root is: the sandbox is set up as that user.
     */
    private static Path workDir(Path tempDir) throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Files.createDirectory(tempDir.resolve("job"));
    }

    static CuProfile profile(String executable, List<String> args, Map<String, String> env, int timeoutSeconds,
                             List<Integer> successExitCodes, String output) {
        return new CuProfile("test", "Test", null, executable, args, env, timeoutSeconds, successExitCodes, output,
                1L, null, null);
    }

    /** One run of {@code direct:cu-exec} in the work dir; the body of the answer is the {@link ExecOutcome}. */
    Exchange runExchange(CuProfile profile) {
        return template.request(CuExec.ENDPOINT, e -> {
            e.setProperty(CuExec.PROFILE, profile);
            e.getMessage().setHeader(CuExec.WORK_DIR, workDir);
        });
    }
}
