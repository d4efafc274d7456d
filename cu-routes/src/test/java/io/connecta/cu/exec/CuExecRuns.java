package io.connecta.cu.exec;

import io.connecta.profiles.CuProfile;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** What the {@link CuExecTest} classes share: a work dir, a profile, a run. */
final class CuExecRuns {

    private CuExecRuns() {
    }


    /**
     * A fresh work dir {@code job/} in the test's temp folder, which is opened to the run-as user as the worker's own
     * work root is: the sandbox is set up as that user.
     */
    static Path workDir(Path tempDir) throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Files.createDirectory(tempDir.resolve("job"));
    }

    static CuProfile profile(String executable, List<String> args, Map<String, String> env, int timeoutSeconds,
                             List<Integer> successExitCodes, String output) {
        return new CuProfile("test", "Test", null, executable, args, env, timeoutSeconds, successExitCodes, output,
                1L, null, null);
    }

    /** One run of {@code direct:cu-exec}; the body of the answer is the {@link ExecOutcome}. */
    static Exchange run(ProducerTemplate template, CuProfile profile, Path workDir) {
        return template.request(CuExec.ENDPOINT, e -> {
            e.setProperty(CuExec.PROFILE, profile);
            e.getMessage().setHeader(CuExec.WORK_DIR, workDir);
        });
    }
}
