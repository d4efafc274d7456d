package io.connecta.cu.exec;

import io.connecta.cu.jobs.CuJob;
import io.connecta.cu.jobs.JobErrorText;
import io.connecta.profiles.CuProfile;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code direct:cu-exec} with real child processes, in the sandbox and as nobody (cu-worker-test.yml): the sample CU
 * and the test CUs in src/test/resources/cu-exec.
 */
class CuExecRoutesTest extends AbstractCuExecTest {

    static final String TEXT = "Hello, world\nsecond line here\n";

    @Test
    void copyModeWritesTheInputUnchanged() throws IOException {
        byte[] input = "Grüße\n\tbinary \u0000 bytes\r\nno newline at the end".getBytes(StandardCharsets.UTF_8);
        Files.write(workDir.resolve(CuExec.INPUT_FILE), input);

        ExecOutcome outcome = run(sampleCu("--mode", "copy"));

        assertSucceeded(outcome);
        assertThat(outcome.outputFile()).as("the output file is the profile's output in the work dir")
                .isEqualTo(workDir.resolve("out.dat"));
        assertThat(Files.readAllBytes(outcome.outputFile())).as("copy mode writes the input byte for byte")
                .isEqualTo(input);
    }

    @Test
    void upperModeUpperCasesTheInput() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(sampleCu("--mode", "upper"));

        assertSucceeded(outcome);
        assertThat(Files.readString(outcome.outputFile())).as("upper mode upper-cases the input")
                .isEqualTo("HELLO, WORLD\nSECOND LINE HERE\n");
    }

    @Test
    void wcModeCountsLinesWordsAndBytes() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(sampleCu("--mode", "wc"));

        assertSucceeded(outcome);
        assertThat(Files.readString(outcome.outputFile())).as("wc mode writes '<lines> <words> <bytes>'")
                .isEqualTo("2 5 30\n");
    }

    @Test
    void exitCodeOutsideSuccessExitCodesIsAFailedOutcome() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(sampleCu("--fail", "3"));

        assertThat(outcome.success()).as("exit code 3 is not a success by default: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).as("the outcome carries the exit code").isEqualTo(3);
        assertThat(outcome.reason()).as("the reason names the exit code and the allowed ones")
                .isEqualTo("exit code 3 is not in successExitCodes [0]");
        assertThat(outcome.outputFile()).as("a failed run has no output file").isNull();
        assertThat(workDir.resolve("out.dat")).as("the failing CU wrote nothing").doesNotExist();
    }

    @Test
    void exitCodeListedInSuccessExitCodesWithAnOutputIsASuccess() throws IOException {
        input(TEXT);
        CuProfile profile = profile("write-and-exit", List.of("--exit", "3", "${output}"), Map.of(), 60, List.of(0, 3), "out.dat");

        ExecOutcome outcome = run(profile);

        assertSucceeded(outcome);
        assertThat(outcome.exitCode()).as("the allowed non-zero exit code is reported").isEqualTo(3);
        assertThat(Files.readString(outcome.outputFile())).as("the output the CU wrote before exiting with 3")
                .isEqualTo("written before exit 3\n");
    }

    @Test
    void listedExitCodeWithoutAnOutputIsStillAFailure() throws IOException {
        input(TEXT);
        CuProfile profile = profile("sample-cu", List.of("--fail", "3", "${input}", "${output}"), Map.of(), 60,
                List.of(0, 3), "out.dat");

        ExecOutcome outcome = run(profile);

        assertThat(outcome.success()).as("an allowed exit code does not excuse a missing output: %s", outcome).isFalse();
        assertThat(outcome.reason()).isEqualTo("the CU wrote no output file out.dat");
    }

    @Test
    void stderrOfAFailingCuReachesTheOutcomeTail() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(sampleCu("--stderr", "disk quota of the legacy CU exceeded", "--fail", "2"));

        assertThat(outcome.success()).as("exit code 2 fails: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderrTail()).as("the stderr tail tells the operator what the CU said")
                .contains("disk quota of the legacy CU exceeded");
        assertThat(Files.readString(workDir.resolve(CuExec.STDERR_LOG))).as("all of stderr is kept in stderr.log")
                .contains("disk quota of the legacy CU exceeded", "failing with exit code 2");
    }

    @Test
    void stderrWithNulAndInvalidUtf8BecomesAReasonAnyDatabaseStores() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(profile("bad-bytes", List.of("${output}"), Map.of(), 60, List.of(0), "out.dat"));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.stderrTail()).as("bytes that are not UTF-8 are read as U+FFFD")
                .isEqualTo("bad bytes: \u0000\ufffd\ufffd end\n");
        String reason = JobErrorText.forApi(CuJob.failureReason(outcome));
        assertThat(reason).as("the reason the result message carries: NUL as the text \\u0000, no raw control character")
                .isEqualTo("exit code 3 is not in successExitCodes [0]; stderr: bad bytes: \\u0000\ufffd\ufffd end")
                .doesNotContain("\u0000");
    }

    @Test
    void timedOutCuIsAFailedOutcomeAndLeavesNoProcessBehind() throws Exception {
        input(TEXT);
        CuProfile profile = profile("sample-cu", List.of("--sleep", "30", "${input}", "${output}"), Map.of(), 1,
                List.of(0), "out.dat");

        ExecOutcome outcome = runUntilTimeout(profile, Duration.ofSeconds(5));

        assertThat(outcome.success()).as("a timed-out run fails: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).as("a killed process has no exit code of its own").isNull();
        assertThat(outcome.reason()).isEqualTo("timed out after 1 s");
        assertThat(workDir.resolve("out.dat")).as("the killed CU wrote no output").doesNotExist();
    }

    @Test
    void timedOutCuWhoseChildrenIgnoreSigtermIsKilledWithAllItsDescendants() throws Exception {
        input(TEXT);
        // no clean-up on SIGTERM, and its `sleep 30` grandchild ignores SIGTERM: only SIGKILL to the tree ends it
        CuProfile profile = profile("stubborn-cu", List.of("--sleep", "30", "${output}"), Map.of(), 1, List.of(0), "out.dat");

        // 1 s timeout + 2 s kill grace for the descendants, then SIGKILL
        ExecOutcome outcome = runUntilTimeout(profile, Duration.ofSeconds(8));

        assertThat(outcome.success()).as("a timed-out run fails: %s", outcome).isFalse();
        assertThat(outcome.reason()).isEqualTo("timed out after 1 s");
    }

    /**
     * Runs a CU that starts a {@code sleep 30} and times out; checks that the run ends within {@code within}
     * (the 1 s timeout plus the kill grace, not the 30 s) and that every process of the CU seen while it ran is gone.
     */
    private ExecOutcome runUntilTimeout(CuProfile profile, Duration within) throws Exception {
        long started = System.nanoTime();
        CompletableFuture<Exchange> running = template.asyncSend(CuExec.ENDPOINT, e -> {
            e.setProperty(CuExec.PROFILE, profile);
            e.getMessage().setHeader(CuExec.WORK_DIR, workDir);
        });
        // the CU (its argv holds this test's work dir) and its descendants, down to the `sleep 30`
        List<ProcessHandle> cuTree = await("the CU and its sleep are running")
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(this::cuProcessTree, tree -> tree.stream().anyMatch(CuExecRoutesTest::isSleep30));
        Exchange done = running.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(done.getException()).as("a timeout is a domain failure, not an exception").isNull();
        assertThat(took).as("the run ends soon after the 1 s timeout, not after the CU's 30 s sleep")
                .isLessThan(within);
        await("no process of the timed-out CU is left").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cuTree.stream().noneMatch(ProcessHandle::isAlive) && cuProcessTree().isEmpty());
        return done.getMessage().getBody(ExecOutcome.class);
    }

    /**
     * Outside a worker's stop, a CU that a signal ends (someone's {@code kill}, the OOM killer) has failed with its
     * exit code: only a stop hands a signalled run back (WorkerStopTest).
     */
    @Test
    void cuEndedBySigtermOutsideAStopIsAFailedOutcomeWithItsExitCode() throws Exception {
        input(TEXT);
        CompletableFuture<Exchange> running = template.asyncSend(CuExec.ENDPOINT, e -> {
            e.setProperty(CuExec.PROFILE, sampleCu("--sleep", "30"));
            e.getMessage().setHeader(CuExec.WORK_DIR, workDir);
        });
        List<ProcessHandle> cuTree = await("the CU is running").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(this::cuProcessTree, tree -> tree.stream().anyMatch(p -> p.info().commandLine()
                        .map(c -> c.contains("sample-cu") && !c.contains("bwrap")).orElse(false)));

        // SIGTERM to the CU and everything of it, as a kill of its process group would send
        cuTree.forEach(ProcessHandle::destroy);
        Exchange done = running.get(30, TimeUnit.SECONDS);

        assertThat(done.getException()).as("not handed back: the worker is not stopping").isNull();
        ExecOutcome outcome = done.getMessage().getBody(ExecOutcome.class);
        assertThat(outcome.success()).as("a CU a signal ended fails: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).as("128 + SIGTERM").isEqualTo(143);
        assertThat(outcome.reason()).isEqualTo("exit code 143 is not in successExitCodes [0]");
    }

    @Test
    void outputTheCuDoesNotWriteIsAFailedOutcome() throws IOException {
        input(TEXT);
        CuProfile profile = profile("sample-cu", List.of("--mode", "copy", "${input}", "${workDir}/out.dat"), Map.of(),
                60, List.of(0), "result.dat");

        ExecOutcome outcome = run(profile);

        assertThat(outcome.success()).as("exit code 0 without the profile's output fails: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).as("the CU itself exited normally").isEqualTo(0);
        assertThat(outcome.reason()).isEqualTo("the CU wrote no output file result.dat");
        assertThat(workDir.resolve("out.dat")).as("${workDir} expanded to the work dir").exists();
    }

    @Test
    void profileEnvironmentReachesTheProcessOnTopOfTheFixedOne() throws IOException {
        input(TEXT);
        CuProfile profile = profile("env-echo", List.of("${output}"), Map.of("CONNECTA_TEST_VAR", "x y"), 60,
                List.of(0), "out.dat");

        ExecOutcome outcome = run(profile);

        assertSucceeded(outcome);
        assertThat(Files.readAllLines(outcome.outputFile())).as("the fixed environment (HOME the work dir, TMPDIR the"
                + " sandbox's /tmp) and the profile's variable, nothing of the worker's").containsExactly(
                "CONNECTA_TEST_VAR=x y", "HOME=" + workDir, "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                "PATH=/usr/local/bin:/usr/bin:/bin", "PWD=" + workDir, "TMPDIR=/tmp", "TZ=UTC");
    }

    @Test
    void hostileArgumentsReachTheProcessLiterallyAndNoShellRunsThem() throws IOException {
        input(TEXT);
        List<String> hostile = List.of("; rm -rf ~", "$(touch pwned)", "`touch pwned`", "`id`", "a b  c", "*",
                "$HOME", "'single' \"double\"", "&& touch pwned |", "--in=x", "");
        List<String> args = new ArrayList<>();
        hostile.forEach(word -> args.addAll(List.of("--word", word)));
        args.add("--in=${input}");
        args.add("${output}");

        ExecOutcome outcome = run(profile("argv-echo", args, Map.of(), 60, List.of(0), "out.dat"));

        assertSucceeded(outcome);
        List<String> expected = new ArrayList<>(args.subList(0, args.size() - 2));
        expected.add("--in=" + workDir.resolve(CuExec.INPUT_FILE).toAbsolutePath());
        assertThat(Files.readAllLines(outcome.outputFile())).as("each argument arrives as one literal argv entry; "
                + "only ${input}, ${output} and ${workDir} are replaced").containsExactlyElementsOf(expected);
        assertThat(workDir.resolve("pwned")).as("no shell ran a command substitution in the work dir").doesNotExist();
        assertThat(Path.of("pwned")).as("no shell ran a command substitution in the worker's dir").doesNotExist();
    }

    @Test
    void executableNotInTheAllowListIsRefusedWithoutRunningAnything() throws IOException {
        input(TEXT);

        ExecOutcome outcome = run(profile("rm", List.of("-rf", "${workDir}"), Map.of(), 60, List.of(0), "out.dat"));

        assertThat(outcome.success()).as("an executable outside the allow-list fails: %s", outcome).isFalse();
        assertThat(outcome.reason()).isEqualTo("executable rm is not in the allow-list");
        assertThat(outcome.exitCode()).as("nothing ran, so there is no exit code").isNull();
        assertThat(workDir.resolve(CuExec.INPUT_FILE)).as("the work dir is untouched").exists();
        assertThat(workDir.resolve(CuExec.STDOUT_LOG)).as("no process was started").doesNotExist();
    }

    @Test
    void chattyCuOutputGoesToLogFilesNotToMemory() throws IOException {
        input(TEXT);
        int stdoutBytes = 20 * 1024 * 1024;
        CuProfile profile = profile("chatty", List.of("--stdout-bytes", String.valueOf(stdoutBytes), "--stderr-lines", "20000",
                "${output}"), Map.of(), 120,
                List.of(0), "out.dat");

        Exchange done = runExchange(profile);

        ExecOutcome outcome = done.getMessage().getBody(ExecOutcome.class);
        assertSucceeded(outcome);
        assertThat(Files.size(workDir.resolve(CuExec.STDOUT_LOG))).as("all of stdout is in stdout.log")
                .isEqualTo(stdoutBytes);
        assertThat(outcome.stderrTail().getBytes(StandardCharsets.UTF_8)).as("only the tail of stderr is kept")
                .hasSizeLessThanOrEqualTo(4096);
        assertThat(outcome.stderrTail()).as("the tail is the end of stderr").endsWith("stderr line 20000\n");
        assertThat(Files.readString(workDir.resolve(CuExec.STDERR_LOG))).as("stderr.log has the whole stderr")
                .startsWith("stderr line 1\n").endsWith("stderr line 20000\n");
        Stream.concat(done.getMessage().getHeaders().values().stream(), done.getProperties().values().stream())
                .forEach(value -> assertThat(value).as("nothing on the exchange holds the CU's output")
                        .isNotInstanceOfAny(byte[].class, InputStream.class)
                        .satisfies(v -> assertThat(String.valueOf(v)).hasSizeLessThan(10_000)));
    }

    @Test
    void missingExecutableFileIsAnInfrastructureError() throws IOException {
        input(TEXT);

        Exchange done = runExchange(profile("missing-cu", List.of("${input}"), Map.of(), 60, List.of(0), "out.dat"));

        assertThat(done.getException()).as("a deployer's missing executable is thrown for the caller to retry")
                .isInstanceOf(CuInfrastructureException.class).hasMessageContaining("missing-cu");
    }

    @Test
    void missingWorkDirIsAnInfrastructureError() {
        Exchange done = template.send(CuExec.ENDPOINT, e -> {
            e.setProperty(CuExec.PROFILE, sampleCu("--mode", "copy"));
            e.getMessage().setHeader(CuExec.WORK_DIR, workDir.resolve("gone").toString());
        });

        assertThat(done.getException()).as("a missing work dir is thrown for the caller to retry")
                .isInstanceOf(CuInfrastructureException.class).hasMessageContaining("work directory");
    }

    private ExecOutcome run(CuProfile profile) {
        Exchange done = runExchange(profile);
        assertThat(done.getException()).as("a CU run that fails is an outcome, not an exception").isNull();
        return done.getMessage().getBody(ExecOutcome.class);
    }

    private void input(String text) throws IOException {
        Files.writeString(workDir.resolve(CuExec.INPUT_FILE), text);
    }

    private static void assertSucceeded(ExecOutcome outcome) {
        assertThat(outcome.success()).as("the run succeeds: %s", outcome).isTrue();
        assertThat(outcome.reason()).as("a success has no reason").isNull();
        assertThat(outcome.outputFile()).as("a success names its output file").isRegularFile();
    }

    /** The processes whose command line holds this test's work dir, and their descendants. */
    private List<ProcessHandle> cuProcessTree() {
        String dir = workDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    private static boolean isSleep30(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                && p.info().arguments().map(a -> List.of(a).equals(List.of("30"))).orElse(false);
    }

    private static CuProfile sampleCu(String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("${input}", "${output}"));
        return profile("sample-cu", args, Map.of(), 60, List.of(0), "out.dat");
    }
}
