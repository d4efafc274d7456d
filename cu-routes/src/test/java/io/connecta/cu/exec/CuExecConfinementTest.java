package io.connecta.cu.exec;

import io.connecta.profiles.CuProfile;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 10, "a profile can never escape its job", at the run: a profile that the save-time check would refuse (stored
 * before the allow-list was tightened) does not run at all, and what does run is confined: it sees the fixed
 * environment only, cannot read other jobs' work dirs or the blob store, and writes nothing outside its work dir.
 */
class CuExecConfinementTest extends AbstractCuExecTest {

    static final Set<String> FIXED = Set.of("PATH", "HOME", "PWD", "LANG", "LC_ALL", "TZ", "TMPDIR");

    @Value("${connecta.blob.local.root}")
    Path blobRoot;

    @BeforeEach
    void input() throws IOException {
        Files.writeString(workDir.resolve(CuExec.INPUT_FILE), "input of this job\n");
    }

    /** Attack 1: bash runs BASH_ENV's code before the sample CU's script; a free file name then carries the result. */
    @Test
    void bashEnvWithAFreeFileNameIsRefusedAndNothingRuns() {
        ExecOutcome outcome = refused(profile("sample-cu", List.of("--mode", "copy", "cmdout", "${output}"),
                Map.of("BASH_ENV", "$(id > cmdout; echo /dev/null)"), 30, List.of(0), "out.dat"));

        assertThat(outcome.reason()).as("both the free file name and the variable are named")
                .contains("args[2]").contains("env.BASH_ENV");
        assertThat(workDir.resolve("cmdout")).as("no code of the profile ran").doesNotExist();
    }

    /**
     * Attacks 1 and 2 for the whole kind: variables a loader, shell or interpreter acts on never reach a run, even where
     * the allow-list names them (the test allow-list lists LD_PRELOAD, BASH_ENV and PYTHONSTARTUP for env-echo).
     */
    @ParameterizedTest
    @ValueSource(strings = {"LD_PRELOAD", "BASH_ENV", "PYTHONSTARTUP", "LD_LIBRARY_PATH", "ENV", "BASH_FUNC_cat%%",
            "PATH", "HOME", "GCONV_PATH", "NODE_OPTIONS", "PERL5OPT", "MALLOC_CHECK_"})
    void loaderShellAndInterpreterVariablesAreRefusedAtTheRun(String name) {
        ExecOutcome outcome = refused(profile("env-echo", List.of("${output}"), Map.of(name, "input"), 30,
                List.of(0), "out.dat"));

        assertThat(outcome.reason()).as("the variable is named").contains("env." + name);
    }

    /** Attacks 3 and 4 for the whole kind: only the placeholders name files, in every form a path can take. */
    @ParameterizedTest
    @ValueSource(strings = {
            "--mode copy /etc/passwd ${output}",
            "--mode copy ../../../../etc/passwd ${output}",
            "--mode copy ${workDir}/../../etc/passwd ${output}",
            "--mode=/etc/passwd ${input} ${output}",
            "--stderr /etc/passwd ${input} ${output}",
            "--mode copy ${input} /var/tmp/connecta-escape.txt",
            "--mode copy ${input} ../escape.txt",
            "--mode copy -- /etc/passwd ${output}",
            "--output=/var/tmp/connecta-escape.txt ${input} ${output}"})
    void pathsInArgumentsAreRefusedAtTheRunAndNothingRuns(String args) {
        refused(profile("sample-cu", List.of(args.split(" ")), Map.of(), 30, List.of(0), "out.dat"));

        assertThat(Path.of("/var/tmp/connecta-escape.txt")).as("nothing was written outside").doesNotExist();
        assertThat(jobs.resolve("escape.txt")).as("nothing was written beside the work dir").doesNotExist();
    }

    /** Attack 5: the child never inherits the worker's environment (secrets such as CONNECTA_OPS_PASSWORD). */
    @Test
    void workersOwnVariablesNeverReachTheChild() throws IOException {
        ExecOutcome outcome = ran(profile("env-echo", List.of("${output}"), Map.of(), 30, List.of(0),
                "out.dat"));

        List<String> names = Files.readAllLines(outcome.outputFile()).stream().map(l -> l.substring(0, l.indexOf('=')))
                .toList();
        assertThat(names).as("only the worker's fixed variables").containsExactlyInAnyOrderElementsOf(FIXED);
        assertThat(System.getenv().keySet()).as("the worker has variables of its own, none of which reached the child")
                .isNotEmpty();
    }

    /**
     * The confinement itself, with a CU whose (deliberately loose) allow-list entry lets the profile name any paths:
     * the sandbox still shows it nothing of another job, the blob store, the worker's home or secrets, and keeps every
     * write inside its work dir. It runs as nobody.
     */
    @Test
    void confinedRunCannotReadOtherJobsOrTheBlobStoreNorWriteOutsideItsWorkDir() throws IOException {
        String tag = UUID.randomUUID().toString();
        Path blobs = blobRoot.toAbsolutePath();
        Path otherJob = Files.createDirectories(jobs.resolve("other-job"));
        Path otherSecret = Files.writeString(otherJob.resolve("input"), "another job's data\n");
        Path blob = Files.createDirectories(blobs.resolve("jobs/" + tag)).resolve("output");
        Files.writeString(blob, "a blob of another job\n");
        Path inExecutableFolder = Path.of("cu-routes/src/test/resources/cu-exec/pwned-" + tag).toAbsolutePath();
        List<String> outside = List.of(jobs.resolve("escape-" + tag).toString(), "/var/tmp/escape-" + tag,
                inExecutableFolder.toString(), "/tmp/escape-" + tag, blobs.resolve("escape-" + tag).toString());
        List<String> reads = List.of(otherSecret.toString(), otherJob.toString(), blob.toString(),
                blobs.toString(), "/root", "/etc/shadow", Path.of("").toAbsolutePath() + "/pom.xml");
        List<String> writes = new ArrayList<>(outside);
        writes.add(workDir.resolve("inside.txt").toString());
        List<String> allReads = new ArrayList<>(reads);
        allReads.add(workDir.resolve(CuExec.INPUT_FILE).toString());

        ExecOutcome outcome = ran(profile("escape-probe", List.of("${output}"),
                Map.of("PROBE_READ", String.join(":", allReads), "PROBE_WRITE", String.join(":", writes)), 30,
                List.of(0), "out.dat"));

        List<String> expected = new ArrayList<>(List.of("uid 65534"));
        reads.forEach(p -> expected.add("read " + p + ": denied"));
        expected.add("read " + workDir.resolve(CuExec.INPUT_FILE) + ": ok");
        expected.add("write " + workDir.resolve("inside.txt") + ": ok");
        List<String> probe = Files.readAllLines(outcome.outputFile());
        // a write outside may "succeed" inside the sandbox (its own tmpfs /tmp, the empty folders above the work dir):
        // what counts is that nothing reaches the host
        assertThat(probe.stream().filter(l -> outside.stream().noneMatch(l::contains)).toList())
                .as("as nobody, only its own work dir readable and writable").containsExactlyElementsOf(expected);
        outside.forEach(p -> assertThat(Path.of(p)).as("nothing written outside the work dir").doesNotExist());
        assertThat(Files.readString(workDir.resolve("inside.txt"))).as("the work dir is writable").isEqualTo("pwned\n");
    }

    /**
     * A CU turned against the worker leaves its output as a link to a file outside its work dir (another job's data):
     * the worker would upload, or copy into the drop-in's out/, whatever the link leads to. A link is no output.
     */
    @Test
    void outputThatIsALinkOutOfTheWorkDirIsNeverRead() throws IOException {
        Path secret = Files.writeString(Files.createDirectories(jobs.resolve("other-job")).resolve("input"),
                "another job's data\n");

        Exchange done = runExchange(profile("hostile-cu", List.of("${output}"), Map.of("HOSTILE", "link-output " + secret),
                30, List.of(0), "out.dat"));

        ExecOutcome outcome = done.getMessage().getBody(ExecOutcome.class);
        assertThat(Files.isSymbolicLink(workDir.resolve("out.dat"))).as("the CU made its output a link").isTrue();
        assertThat(outcome.success()).as("a link is not an output: %s", outcome).isFalse();
        assertThat(outcome.outputFile()).isNull();
        assertThat(outcome.reason()).contains("out.dat").contains("not a regular file");
    }

    /**
     * The same with the CU's stderr.log, whose end the worker reads for the job's error: replaced by a link, the end of
     * the file it leads to would become the job's error; replaced by a named pipe, the worker would wait on it for ever.
     * The tail is what the CU wrote to its stderr, never what its work dir holds after the run.
     */
    @Test
    void stderrLogReplacedByALinkOrAPipeIsNeverReadBack() throws IOException {
        Path secret = Files.writeString(Files.createDirectories(jobs.resolve("other-job")).resolve("input"),
                "another job's data\n");

        ExecOutcome linked = runExchange(profile("hostile-cu", List.of("${output}"),
                Map.of("HOSTILE", "link-stderr " + secret), 30, List.of(0), "out.dat")).getMessage()
                .getBody(ExecOutcome.class);
        assertThat(Files.isSymbolicLink(workDir.resolve(CuExec.STDERR_LOG))).as("the CU made stderr.log a link")
                .isTrue();
        assertThat(linked.exitCode()).isEqualTo(3);
        assertThat(linked.stderrTail()).as("the link's target is not read").doesNotContain("another job");

        workDir = Files.createDirectory(jobs.resolve("job-2"));
        input();
        ExecOutcome piped = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> runExchange(profile("hostile-cu",
                List.of("${output}"), Map.of("HOSTILE", "fifo-stderr"), 30, List.of(0), "out.dat")).getMessage()
                .getBody(ExecOutcome.class), "the worker waits on a pipe the CU left");
        assertThat(piped.exitCode()).isEqualTo(3);
        assertThat(piped.stderrTail()).isEmpty();
    }

    @Test
    void requiredSandboxThatDoesNotWorkStopsTheWorkerWithTheReason() {
        ConfinementProperties properties = new ConfinementProperties();
        properties.getSandbox().setMode(ConfinementProperties.Mode.BWRAP);
        properties.getSandbox().setBwrapPath("/usr/bin/no-such-bwrap");
        assertThatThrownBy(() -> new CuConfinement(properties).start()).as("mode bwrap without a bwrap")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sandbox is required")
                .hasMessageContaining("/usr/bin/no-such-bwrap");

        properties.getSandbox().setMode(ConfinementProperties.Mode.AUTO);
        properties.getSandbox().setRequired(true);
        assertThatThrownBy(() -> new CuConfinement(properties).start()).as("auto, required, without a bwrap")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apt-get install bubblewrap");

        properties.getSandbox().setRequired(false);
        CuConfinement unconfined = new CuConfinement(properties);
        unconfined.start();
        assertThat(unconfined.sandboxed()).as("auto without a bwrap: unconfined, with a WARN").isFalse();

        properties.getSandbox().setBwrapPath("/usr/bin/bwrap");
        CuConfinement confined = new CuConfinement(properties);
        confined.start();
        assertThat(confined.sandboxed()).as("auto with a working bwrap: sandboxed").isTrue();
    }

    /** A run refused before anything started: a failed outcome, no exit code, no process output. */
    private ExecOutcome refused(CuProfile profile) {
        Exchange done = runExchange(profile);
        assertThat(done.getException()).as("a refused profile is an outcome, not an exception").isNull();
        ExecOutcome outcome = done.getMessage().getBody(ExecOutcome.class);
        assertThat(outcome.success()).as("refused: %s", outcome).isFalse();
        assertThat(outcome.exitCode()).as("nothing ran, so no exit code").isNull();
        assertThat(outcome.reason()).startsWith("the profile breaks the allow-list of " + profile.executable());
        assertThat(workDir.resolve(CuExec.STDOUT_LOG)).as("no process was started").doesNotExist();
        return outcome;
    }

    private ExecOutcome ran(CuProfile profile) {
        Exchange done = runExchange(profile);
        ExecOutcome outcome = done.getMessage().getBody(ExecOutcome.class);
        assertThat(outcome.success()).as("the run succeeds: %s", outcome).isTrue();
        return outcome;
    }

}
