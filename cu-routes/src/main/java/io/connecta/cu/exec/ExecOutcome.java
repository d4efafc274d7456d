package io.connecta.cu.exec;

import java.nio.file.Path;

/**
 * What one CU run came to. A failure of the job itself (exit code, timeout, no output, executable not allowed)
 * is an outcome with {@code success == false}, never an exception.
 *
 * @param success        the exit code is one of the profile's successExitCodes and the output file exists
 * @param exitCode       the child's exit code; null when it timed out or was never started
 * @param reason         null on success, otherwise a sentence saying why the run failed
 * @param stderrTail     the last bytes of the child's standard error (all of it is in {@code stderr.log})
 * @param outputFile     the output file in the work directory on success; null on failure
 * @param durationMillis wall-clock time of the child process; 0 when nothing was started
 */
public record ExecOutcome(boolean success, Integer exitCode, String reason, String stderrTail, Path outputFile,
                          long durationMillis) {

    static ExecOutcome succeeded(int exitCode, String stderrTail, Path outputFile, long durationMillis) {
        return new ExecOutcome(true, exitCode, null, stderrTail, outputFile, durationMillis);
    }

    static ExecOutcome failed(Integer exitCode, String reason, String stderrTail, long durationMillis) {
        return new ExecOutcome(false, exitCode, reason, stderrTail, null, durationMillis);
    }

    /** Nothing was run. */
    static ExecOutcome refused(String reason) {
        return failed(null, reason, "", 0);
    }
}
