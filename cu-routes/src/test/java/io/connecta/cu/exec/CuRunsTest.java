package io.connecta.cu.exec;

import io.connecta.common.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run records and what start-up does with them ({@link CuRuns#killLeftovers}), and whether a stop ended a run
 * ({@link CuRuns.Run#endedByStop}), with real processes standing in for the CUs.
 */
@ExtendWith(OutputCaptureExtension.class)
class CuRunsTest {

    @TempDir
    Path records;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void leftoverProcessIsKilledWithItsChildrenAndItsRecordRemoved() throws Exception {
        // a CU that is a script: the sleep is its child
        Process cu = start("bash", "-c", "sleep 300 & wait");
        Await.until("the CU's child runs", () -> cu.descendants().findAny().isPresent());
        ProcessHandle child = cu.descendants().findFirst().orElseThrow();
        Path record = CuRuns.record(records, cu.toHandle());

        List<String> killed = runs().killLeftovers();

        assertThat(killed).as("what was killed is said").singleElement().asString().contains("pid " + cu.pid());
        assertThat(cu.waitFor(5, TimeUnit.SECONDS)).as("the recorded CU is gone").isTrue();
        Await.until("its child is gone too", Duration.ofSeconds(5), () -> !child.isAlive());
        assertThat(record).as("the record is removed").doesNotExist();
    }

    /** The pid of a record now belongs to another process (the machine restarted, pids wrapped): it is left alone. */
    @Test
    void processWithTheRecordedPidButAnotherStartInstantIsNotKilled() throws Exception {
        Process other = start("sleep", "300");
        Path record = CuRuns.record(records, other.toHandle());
        String text = Files.readString(record);
        Instant started = other.toHandle().info().startInstant().orElseThrow();
        // java.util.Properties escapes ':' in values
        Files.writeString(record, text.replace(started.toString().replace(":", "\\:"),
                started.minusSeconds(3600).toString().replace(":", "\\:")));
        assertThat(Files.readString(record)).as("the test changed the recorded start instant").isNotEqualTo(text);

        List<String> killed = runs().killLeftovers();

        assertThat(killed).as("nothing killed").isEmpty();
        assertThat(other.isAlive()).as("the process that reuses the pid lives on").isTrue();
        assertThat(record).as("the stale record is removed").doesNotExist();
    }

    @Test
    void recordOfAProcessThatHasEndedKillsNothing() throws Exception {
        Process gone = start("sleep", "300");
        Path record = CuRuns.record(records, gone.toHandle());
        gone.destroy();
        gone.waitFor();

        assertThat(runs().killLeftovers()).isEmpty();
        assertThat(record).doesNotExist();
    }

    /** A folder where a record file should be (not the worker's doing): a WARN that names it, and the start goes on. */
    @Test
    void oddEntryAmongTheRecordsIsAWarningNotAFailedStart(CapturedOutput log) throws Exception {
        Path odd = Files.createDirectories(records.resolve("odd.run"));
        Files.writeString(odd.resolve("inside"), "not a record");
        Process cu = start("sleep", "300");
        Path record = CuRuns.record(records, cu.toHandle());

        List<String> killed = runs().killLeftovers();

        assertThat(killed).as("the real record's process is still killed").singleElement().asString()
                .contains("pid " + cu.pid());
        assertThat(record).as("the real record is removed").doesNotExist();
        assertThat(log.getOut()).as("the odd entry is named in a WARN").contains("WARN")
                .contains("Cannot remove " + odd);
    }

    /**
     * A stop signal sent to the whole process group reaches the CU and the worker at about the same time; the CU may
     * end before the worker's stop has begun. Its run waits for the stop, and then is the stop's, not a failure.
     */
    @Test
    void cuEndedByAStopSignalIsTheStopsOnceTheStopBegins() throws Exception {
        CuRuns runs = runs(Duration.ofSeconds(20));
        CuRuns.Run run = runs.begin();
        Process cu = start("sleep", "300");
        run.add(cu);
        cu.destroy();
        int exit = cu.waitFor();
        assertThat(exit).as("SIGTERM: 128 + 15").isEqualTo(143);

        CompletableFuture<Boolean> judged = CompletableFuture.supplyAsync(() -> run.endedByStop(exit));
        assertThat(judged).as("the run waits for the worker's stop").isNotDone();
        runs.drain();

        assertThat(judged.get(10, TimeUnit.SECONDS)).as("ended by the stop").isTrue();
        assertThat(run.killed()).as("the worker did not kill it").isFalse();
        run.remove(cu);
    }

    /** Outside a stop, a CU a signal ended (the OOM killer, someone's kill) has failed with its exit code. */
    @Test
    void cuEndedByASignalOutsideAStopIsItsOwnFailure() throws Exception {
        CuRuns runs = runs(Duration.ofMillis(300));
        CuRuns.Run run = runs.begin();
        Process cu = start("sleep", "300");
        run.add(cu);
        cu.destroyForcibly();
        int exit = cu.waitFor();
        assertThat(exit).as("SIGKILL: 128 + 9").isEqualTo(137);

        assertThat(run.endedByStop(exit)).as("no stop began: the CU's own failure").isFalse();
        run.remove(cu);
    }

    /** During a stop, a CU that ends with an exit code of its own has answered: its job is judged as always. */
    @Test
    void cuThatExitsDuringAStopWithoutASignalIsJudgedAsAlways() throws Exception {
        CuRuns runs = runs(Duration.ofSeconds(20));
        CuRuns.Run run = runs.begin();
        Process cu = start("sh", "-c", "exit 3");
        run.add(cu);
        runs.drain();
        int exit = cu.waitFor();

        assertThat(run.endedByStop(exit)).as("exit 3 is the CU's answer, not the stop's").isFalse();
        run.remove(cu);
    }

    private CuRuns runs() {
        return runs(Duration.ofSeconds(1));
    }

    private CuRuns runs(Duration signalWait) {
        return new CuRuns(() -> records, Duration.ofSeconds(1), signalWait);
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }
}
