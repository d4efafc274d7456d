package io.connecta.cu.exec;

import io.connecta.common.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run records and what start-up does with them ({@link CuRuns#killLeftovers}), with real processes standing in
 * for the CUs a crashed worker left running.
 */
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

    private CuRuns runs() {
        return new CuRuns(() -> records, Duration.ofSeconds(1));
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }
}
