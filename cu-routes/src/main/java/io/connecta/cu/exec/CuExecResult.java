package io.connecta.cu.exec;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * camel-exec's result as the {@link CuCommandExecutor} makes it: stdout stays in {@code stdout.log} (never in
 * memory); stderr is only its tail.
 */
public class CuExecResult extends ExecResult {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;
    private final String stderrTail;
    private final long durationMillis;

    CuExecResult(ExecCommand command, int exitValue, boolean timedOut, String stderrTail, long durationMillis) {
        super(command, null, stderrTail.isEmpty() ? null
                : new ByteArrayInputStream(stderrTail.getBytes(StandardCharsets.UTF_8)), exitValue);
        this.timedOut = timedOut;
        this.stderrTail = stderrTail;
        this.durationMillis = durationMillis;
    }

    /** The watchdog killed the process (and its descendants) because the timeout passed. */
    public boolean timedOut() {
        return timedOut;
    }

    public String stderrTail() {
        return stderrTail;
    }

    public long durationMillis() {
        return durationMillis;
    }
}
