package io.connecta.cu.exec;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecResult;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.io.IOUtils;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a camel-exec command on commons-exec, unlike camel-exec's default executor:
 * <ul>
 *   <li>the child runs confined ({@link CuConfinement}: sandbox, run-as user) and starts from a small fixed
 *       environment plus the profile's variables ({@link CuExecBinding.EnvExecCommand}), never the worker's own;</li>
 *   <li>its stdout and stderr go to {@code stdout.log} and {@code stderr.log} in the work directory, not to memory,
 *       and only the last {@code stderrTailBytes} of stderr come back, kept as they pass (never read back from the
 *       work dir, which the CU controls);</li>
 *   <li>on timeout the process and all its descendants are killed ({@link TreeKillingWatchdog});</li>
 *   <li>the process is known to {@link CuRuns} while it runs (a run record for a crashed worker's successor, a kill
 *       when a graceful stop runs out of grace: then the run ends with a {@link CuStoppedException}, as it does when
 *       the stop signal reached the CU too). No JVM shutdown hook kills it: a SIGTERM to the worker is a graceful
 *       stop, which gives running CUs their grace first;</li>
 *   <li>every exit value is a result (the route judges it against the profile), none an exception.</li>
 * </ul>
 * The child's stdin is closed: a CU reads its input file. Thread-safe; one instance serves all runs.
 */
public class CuCommandExecutor implements ExecCommandExecutor {

    private final CuConfinement confinement;
    private final CuRuns runs;
    private final int stderrTailBytes;
    private final Duration killGrace;
    private final Duration streamsDrain;

    /**
     * @param confinement     where and as whom the child runs, and its environment
     * @param runs            the worker's running CUs, which this run joins
     * @param stderrTailBytes how much of the end of stderr the result keeps
     * @param killGrace       how long a timed-out process tree has between SIGTERM and SIGKILL
     * @param streamsDrain    how long to wait for the output pipes to close once the process has ended (a
     *                        daemon the CU started could hold them open for ever)
     */
    public CuCommandExecutor(CuConfinement confinement, CuRuns runs, int stderrTailBytes, Duration killGrace,
                             Duration streamsDrain) {
        this.confinement = confinement;
        this.runs = runs;
        this.stderrTailBytes = stderrTailBytes;
        this.killGrace = killGrace;
        this.streamsDrain = streamsDrain;
    }

    @Override
    public ExecResult execute(ExecCommand command) throws IOException {
        IOUtils.closeQuietly(command.getInput());
        if (command.getWorkingDir() == null) {
            throw new IllegalArgumentException("a CU command needs a working directory: " + command);
        }
        Path workDir = Path.of(command.getWorkingDir()).toAbsolutePath();
        Path stderrLog = workDir.resolve(CuExec.STDERR_LOG);
        CuRuns.Run run = runs.begin();

        confinement.prepare(workDir);
        List<String> line = confinement.commandLine(Path.of(command.getExecutable()), command.getArgs(), workDir);
        CommandLine commandLine = new CommandLine(line.get(0));
        // handleQuoting=false: each argument reaches the process as it is, one argv entry each
        line.subList(1, line.size()).forEach(arg -> commandLine.addArgument(arg, false));

        Map<String, String> env = confinement.environment(workDir,
                command instanceof CuExecBinding.EnvExecCommand withEnv ? withEnv.env() : Map.of());

        TreeKillingWatchdog watchdog = command.getTimeout() == ExecEndpoint.NO_TIMEOUT ? null
                : new TreeKillingWatchdog(Duration.ofMillis(command.getTimeout()), killGrace);
        long started = System.nanoTime();
        int exitValue;
        String stderrTail;
        try (OutputStream stdout = new BufferedOutputStream(Files.newOutputStream(workDir.resolve(CuExec.STDOUT_LOG)));
             TailKeeping stderr = new TailKeeping(new BufferedOutputStream(Files.newOutputStream(stderrLog)),
                     stderrTailBytes)) {
            PumpStreamHandler streams = new PumpStreamHandler(stdout, stderr);
            streams.setStopTimeout(streamsDrain);
            DefaultExecutor executor = DefaultExecutor.builder()
                    .setWorkingDirectory(workDir)
                    .setExecuteStreamHandler(streams)
                    .get();
            executor.setExitValues(null);
            executor.setWatchdog(watchdog);
            executor.setProcessDestroyer(run);
            exitValue = executor.execute(commandLine, env);
            stderrTail = stderr.tail();
        }
        long durationMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (run.killed()) {
            // its exit code (143, 137) is the worker's doing, not the CU's answer
            throw new CuStoppedException("the worker stopped and killed the CU after " + durationMillis + " ms");
        }
        boolean timedOut = watchdog != null && watchdog.timedOut();
        if (!timedOut && run.endedByStop(exitValue)) {
            // the stop signal reached the CU too (sent to the whole process group): the stop's doing as well
            throw new CuStoppedException("the CU ended by a stop signal (exit " + exitValue + ") while the worker was"
                    + " stopping, after " + durationMillis + " ms");
        }
        return new CuExecResult(command, exitValue, timedOut, stderrTail, durationMillis);
    }

    /**
     * Passes everything on to the log file and keeps the last {@code maxBytes} of it: the tail is taken from what the
     * CU wrote, never read back from its work dir, where the CU may have put a link or a pipe in the log's place.
     */
    static final class TailKeeping extends FilterOutputStream {

        private final byte[] ring;
        private long written;

        TailKeeping(OutputStream out, int maxBytes) {
            super(out);
            ring = new byte[maxBytes];
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            if (ring.length > 0) {
                ring[(int) (written % ring.length)] = (byte) b;
            }
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            int keep = Math.min(len, ring.length);
            for (int i = off + len - keep; i < off + len; i++) {
                ring[(int) ((written + i - off) % ring.length)] = b[i];
            }
            written += len;
        }

        /** The last bytes written, as UTF-8 (a character cut at the start is replaced). */
        String tail() {
            int size = (int) Math.min(written, ring.length);
            byte[] last = new byte[size];
            for (int i = 0; i < size; i++) {
                last[i] = ring[(int) ((written - size + i) % ring.length)];
            }
            return new String(last, StandardCharsets.UTF_8);
        }
    }
}
