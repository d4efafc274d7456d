package io.connecta.cu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the worker's side of a deploy and of a crash, with the real worker app, real CUs (the sample CU, in its
 * sandbox), H2 and a broker of the test's own:
 * <ol>
 *   <li>a graceful stop lets a short job finish and report, and hands back the jobs whose CUs outlive the grace: the
 *       dispatch goes back to the queue, the drop-in file stays in in/ with its job CANCELLED; no CU and no work dir
 *       is left;</li>
 *   <li>the restarted worker (same instance id) first kills what a crashed predecessor left running and removes its
 *       leftovers, never another instance's, then runs the handed-back job as its second run, under a new
 *       incarnation.</li>
 *   <li>a stop signal to the whole process group (systemd, Ctrl-C) ends the CUs during the grace: their jobs are
 *       handed back as well, never FAILED.</li>
 * </ol>
 * Each test starts where the one before left the broker and the var dir: one scenario, three chapters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerStopTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BROKER = "worker-stop-test";
    static final String INSTANCE = "stop-test-cu";
    static final Duration GRACE = Duration.ofSeconds(6);
    static final Duration END = Duration.ofSeconds(30);
    static final TestIssuer ISSUER = TestIssuer.start();

    static ResultsBroker broker;
    static Connection connection;
    static Path varDir;
    static List<JsonNode> reports;
    static final List<Process> planted = new ArrayList<>();

    static String longJob;
    static String firstIncarnation;

    @BeforeAll
    static void startBroker() throws Exception {
        varDir = Files.createTempDirectory("connecta-worker-stop-test");
        // the CU runs as nobody (cu-worker-test.yml), who must reach its work dir
        Files.setPosixFilePermissions(varDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        broker = ResultsBroker.start(BROKER);
        connection = broker.connection();
        reports = broker.reports();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        planted.forEach(Process::destroyForcibly);
        broker.close();
        ISSUER.close();
    }

    @Test
    @Order(1)
    void gracefulStopLetsAShortJobFinishAndHandsBackTheJobsThatOutliveTheGrace() throws Exception {
        ConfigurableApplicationContext worker = startWorker(GRACE);
        firstIncarnation = null;
        Http api = api(worker);
        profile(api, "slow", "--sleep", "60", "${input}", "${output}");
        profile(api, "quick", "--sleep", "2", "--mode", "upper", "${input}", "${output}");
        Path in = varDir.resolve("dropin/slow/in");
        Await.until("the drop-in folder of profile slow", END, () -> Files.isDirectory(in));

        Files.writeString(in.resolve("dropped.txt"), "dropped\n");
        Await.until("the drop-in job is RUNNING", END, () -> !reportsFor("dropped.txt", "RUNNING").isEmpty());
        longJob = dispatch("slow", "long.txt");
        String quickJob = dispatch("quick", "quick.txt");
        Await.until("three CUs run", END, () -> cuProcesses().size() >= 3);
        List<ProcessHandle> cus = allDescendants();

        Instant stopAt = Instant.now();
        worker.close();
        Duration stopTook = Duration.between(stopAt, Instant.now());

        // the short job ended within the grace and reported before the worker stopped
        JsonNode quick = awaitReport(quickJob, "SUCCEEDED");
        assertThat(quick.path("attempt").asInt()).as("the first run of the quick job").isEqualTo(1);
        firstIncarnation = quick.path("workerIncarnation").asText();
        assertThat(UUID.fromString(firstIncarnation)).as("the worker's incarnation is a UUID").isNotNull();
        assertThat(stopTook).as("the stop waited for the grace, then killed and handed back (took %s)", stopTook)
                .isGreaterThanOrEqualTo(GRACE).isLessThan(GRACE.plusSeconds(15));

        // the long dispatched job: no result, its dispatch back on the queue, redelivered
        assertThat(statuses(longJob)).as("the long job only ever reported RUNNING").containsOnly("RUNNING");
        Await.until("the long job's dispatch is back on the queue", END, () -> queued(longJob) != null);
        Message back = queued(longJob);
        assertThat(back.getJMSRedelivered() || back.getIntProperty("JMSXDeliveryCount") > 1)
                .as("the broker counts the handed-back delivery (redelivered %s, delivery count %s)",
                        back.getJMSRedelivered(), back.getObjectProperty("JMSXDeliveryCount")).isTrue();

        // the drop-in job: CANCELLED with the reason, its file still in in/
        JsonNode cancelled = reportsFor("dropped.txt", "CANCELLED").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no CANCELLED report for dropped.txt: " + reports));
        assertThat(cancelled.path("error").asText()).as("the reason says why and what happens")
                .isEqualTo("the worker stopped before the job ended; the file runs again as a new job");
        assertThat(reportsFor("dropped.txt", "FAILED")).as("never FAILED").isEmpty();
        assertThat(in.resolve("dropped.txt")).as("the file stays in in/").hasContent("dropped\n");
        assertThat(listing(varDir.resolve("dropin/slow/error"))).as("nothing in error/").isEmpty();
        assertThat(listing(varDir.resolve("dropin/slow/done"))).as("nothing in done/").isEmpty();

        // nothing is left behind
        Await.until("every CU process is gone", Duration.ofSeconds(10),
                () -> cus.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(listing(instanceDir().resolve("jobs"))).as("no work dir left").isEmpty();
        assertThat(listing(instanceDir().resolve("runs"))).as("no run record left").isEmpty();
    }

    @Test
    @Order(2)
    void restartedWorkerKillsWhatACrashedPredecessorLeftAndRunsTheHandedBackJobAgain() throws Exception {
        assertThat(longJob).as("the first test handed the long job back").isNotNull();
        // what a worker killed with -9 leaves: a CU still running with its run record, and a work dir
        Process orphan = plant("sleep", "300");
        Path runs = Files.createDirectories(instanceDir().resolve("runs"));
        Files.writeString(runs.resolve(orphan.pid() + ".run"), "pid=" + orphan.pid() + "\nstarted="
                + orphan.toHandle().info().startInstant().orElseThrow().toString().replace(":", "\\:") + "\n");
        Path leftover = Files.createDirectories(instanceDir().resolve("jobs/0d5e-1234abcd"));
        Files.writeString(leftover.resolve("input"), "left behind");
        // another worker instance on the same machine: none of its business
        Path otherWorkDir = Files.createDirectories(varDir.resolve("work/other-cu/jobs/1f2e-5678abcd"));
        Process othersCu = plant("sleep", "300");
        Path othersRuns = Files.createDirectories(varDir.resolve("work/other-cu/runs"));
        Files.writeString(othersRuns.resolve(othersCu.pid() + ".run"), "pid=" + othersCu.pid() + "\nstarted="
                + othersCu.toHandle().info().startInstant().orElseThrow().toString().replace(":", "\\:") + "\n");

        try (ConfigurableApplicationContext worker = startWorker(Duration.ofSeconds(1))) {
            Await.until("the predecessor's CU is killed", Duration.ofSeconds(10), () -> !orphan.isAlive());
            assertThat(leftover).as("the predecessor's work dir is removed").doesNotExist();
            assertThat(otherWorkDir).as("another instance's work dir is untouched").exists();
            assertThat(othersCu.isAlive()).as("another instance's CU is untouched").isTrue();

            Await.until("the handed-back job runs again", END, () -> statuses(longJob).size() >= 2);
            JsonNode again = reports.stream().filter(r -> r.path("jobId").asText().equals(longJob)).toList().get(1);
            assertThat(again.path("status").asText()).isEqualTo("RUNNING");
            assertThat(again.path("attempt").asInt()).as("the job's second run counts as attempt 2").isEqualTo(2);
            assertThat(again.path("workerIncarnation").asText()).as("a restarted worker is a new incarnation")
                    .isNotBlank().isNotEqualTo(firstIncarnation);
        }
    }

    /**
     * A stop signal to the whole process group (systemd's default KillMode=control-group, Ctrl-C in a terminal,
     * {@code kill -TERM -<pgid>}) reaches the CUs as well as the worker: they end by the signal during the grace,
     * before the worker kills anything. Their jobs are handed back all the same, never FAILED for the exit code 143.
     */
    @Test
    @Order(3)
    void stopSignalToTheWholeProcessGroupHandsTheJobsBackToo() throws Exception {
        assertThat(longJob).as("the first test handed the long job back").isNotNull();
        Path in = varDir.resolve("dropin/slow/in");
        int droppedRuns = reportsFor("dropped.txt", "RUNNING").size();
        int droppedCancels = reportsFor("dropped.txt", "CANCELLED").size();
        int longRuns = statuses(longJob).size();
        ConfigurableApplicationContext worker = startWorker(GRACE);
        // what the chapters before handed back comes again: the long job, and the file still in in/
        Await.until("the long job and the dropped file run again", END, () -> statuses(longJob).size() > longRuns
                && reportsFor("dropped.txt", "RUNNING").size() > droppedRuns);
        Await.until("both CUs run", END, () -> cuProcesses().size() >= 2);
        List<ProcessHandle> group = allDescendants().stream().filter(p -> planted.stream()
                .noneMatch(planted -> planted.pid() == p.pid())).toList();

        Instant stopAt = Instant.now();
        Thread stop = new Thread(worker::close, "test-stop");
        stop.start();
        // the same signal, at the same time, to the worker's children: what the process group gets
        group.forEach(ProcessHandle::destroy);
        stop.join(GRACE.plusSeconds(30).toMillis());
        Duration stopTook = Duration.between(stopAt, Instant.now());

        assertThat(stop.isAlive()).as("the worker stopped").isFalse();
        assertThat(stopTook).as("the CUs ended by the signal: the stop did not wait out the grace (took %s)", stopTook)
                .isLessThan(GRACE);
        assertThat(statuses(longJob)).as("the long job is handed back, never FAILED for its CU's exit code 143")
                .containsOnly("RUNNING");
        Await.until("the long job's dispatch is back on the queue", END, () -> queued(longJob) != null);
        Await.until("the dropped file's job ends CANCELLED", END,
                () -> reportsFor("dropped.txt", "CANCELLED").size() > droppedCancels);
        assertThat(reportsFor("dropped.txt", "FAILED")).as("the drop-in job is never FAILED").isEmpty();
        assertThat(in.resolve("dropped.txt")).as("the file stays in in/").hasContent("dropped\n");
        assertThat(listing(varDir.resolve("dropin/slow/error"))).as("nothing in error/").isEmpty();
        Await.until("every process of the group is gone", Duration.ofSeconds(10),
                () -> group.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(listing(instanceDir().resolve("jobs"))).as("no work dir left").isEmpty();
        assertThat(listing(instanceDir().resolve("runs"))).as("no run record left").isEmpty();
    }

    static ConfigurableApplicationContext startWorker(Duration grace) {
        return CuWorkerApplication.application().run(
                "--spring.profiles.active=dev,test",
                "--server.port=0",
                "--connecta.var-dir=" + varDir,
                // one in-memory database for both starts: the profiles outlive the first worker
                "--spring.datasource.url=jdbc:h2:mem:worker-stop-test;DB_CLOSE_DELAY=-1",
                "--spring.activemq.broker-url=vm://" + BROKER + "?create=false",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + ISSUER.jwkSetUri(),
                "--connecta.worker.instance-id=" + INSTANCE,
                "--connecta.worker.shutdown-grace=" + grace.toSeconds() + "s",
                "--connecta.cu.kill-grace=1s",
                "--connecta.cu.dropin.poll-delay-ms=200",
                "--connecta.cu.dropin.folders-period-ms=300",
                "--connecta.cu.dropin.read-lock.check-interval-ms=100",
                "--connecta.cu.dropin.read-lock.min-age-ms=300");
    }

    static Http api(ConfigurableApplicationContext worker) {
        return new Http("http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port") + "/api/v1")
                .bearer(ISSUER.tokens().admin());
    }

    static void profile(Http api, String id, String... args) throws Exception {
        Http.Response r = api.postJson("/profiles", JSON.writeValueAsString(Map.of("id", id, "name", id,
                "executable", "sample-cu", "args", List.of(args), "output", "out.dat", "timeoutSeconds", 120)));
        assertThat(r.status()).as("profile %s created: %s", id, r).isEqualTo(201);
    }

    /** A file-reference job of the profile, first attempt; returns its id. */
    static String dispatch(String profileId, String file) throws Exception {
        Files.createDirectories(varDir.resolve("shared"));
        Files.writeString(varDir.resolve("shared").resolve(file), "input of " + file + "\n");
        String jobId = UUID.randomUUID().toString();
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(JSON.writeValueAsString(Map.of("jobId", jobId,
                    "profileId", profileId, "file", file, "attempt", 1)));
            // as the orchestrator sends it
            message.setStringProperty("jobId", jobId);
            session.createProducer(session.createQueue(JobQueues.dispatch("cu"))).send(message);
        }
        return jobId;
    }

    /** The dispatch of the job waiting on the queue, or null. */
    static Message queued(String jobId) {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = session.createBrowser(session.createQueue(JobQueues.dispatch("cu")))) {
            for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
                if (JSON.readTree(((TextMessage) m).getText()).path("jobId").asText().equals(jobId)) {
                    return m;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode awaitReport(String jobId, String status) {
        Await.until("a " + status + " report of job " + jobId, END, () -> statuses(jobId).contains(status));
        return reports.stream().filter(r -> r.path("jobId").asText().equals(jobId)
                && r.path("status").asText().equals(status)).findFirst().orElseThrow();
    }

    static List<String> statuses(String jobId) {
        return reports.stream().filter(r -> r.path("jobId").asText().equals(jobId))
                .map(r -> r.path("status").asText()).toList();
    }

    static List<JsonNode> reportsFor(String inputName, String status) {
        return reports.stream().filter(r -> r.path("inputName").asText().equals(inputName)
                && r.path("status").asText().equals(status)).toList();
    }

    /** The sample CUs running below this JVM. */
    static List<ProcessHandle> cuProcesses() {
        return allDescendants().stream().filter(p -> p.info().commandLine().orElse("").contains("sample-cu")
                && !p.info().commandLine().orElse("").contains("bwrap")).toList();
    }

    static List<ProcessHandle> allDescendants() {
        return ProcessHandle.current().descendants().toList();
    }

    static Path instanceDir() {
        return varDir.resolve("work").resolve(INSTANCE);
    }

    static Process plant(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        planted.add(p);
        return p;
    }

    static List<String> listing(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
