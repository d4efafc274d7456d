package io.connecta.routetests;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Azurite;
import io.connecta.common.test.Http;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the fault matrix: jobs survive deploys, crashes and odd output. Real processes, shared by all cases: a
 * PostgreSQL server of the test's own (restartable; both apps' databases), an Azurite of its own (the blob store of
 * both apps, which the test stops), the orchestrator as its own JVM with its embedded, persistent broker (which the
 * test kills with SIGKILL and starts again), and two CU workers as their own JVMs, started under {@code LC_ALL=C} with
 * the locale {@code ./connecta} picks. Short timeouts by properties (sweep every 2 s, worker grace 5 s, lease 30 s,
 * shutdown grace 5 s).
 * <p>
 * After every case ({@link #everyJobEndedOnceAndNothingIsLeft()}): every accepted job has ended exactly once
 * (SUCCEEDED, or FAILED/CANCELLED with a reason), there is no job row the test did not cause, every dropped file ran to
 * SUCCEEDED exactly once, no CU process and no work dir is left, every blob belongs to a recorded job, and the
 * running-jobs gauge is back at 0.
 * <p>
 * The workers run their CUs unconfined ({@code connecta.cu.sandbox.mode=none}): a sandboxed CU dies with its worker
 * (bubblewrap's {@code --die-with-parent}), and the kill cases need the orphan a worker without bubblewrap leaves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {

    static final Duration END = Duration.ofSeconds(90);
    static final String LONG_SLEEP = "\"--sleep\",\"90\",\"--mode\",\"upper\",\"${input}\",\"${output}\"";
    static final String QUICK = "\"--mode\",\"upper\",\"${input}\",\"${output}\"";
    static final String CONTAINER = "matrix";
    static final String NON_ASCII_NAME = "Übersicht-März.txt";
    static final List<String> WORKER_IDS = List.of("matrix-cu-1", "matrix-cu-2");
    static final Pattern JOB_DIR = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*");
    static final Pattern BLOB = Pattern.compile("jobs/([0-9a-f-]{36})/(input|output)");
    /** The workers' queued-job deadline: case 9 waits this long, so the 200-job burst must not queue longer. */
    static final Duration QUEUED_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The workers' lease: a killed worker that stays away is gone after it and the 5 s grace (case 4); one started
     * again within it is the same worker restarted (its running drop-in job ends for that reason).
     */
    static final Duration LEASE = Duration.ofSeconds(30);
    /** Start-up is most of a restart's cost: C1 only and the serial collector start a JVM faster on 2 cores. */
    static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    static final String OPERATOR = "Basic " + Base64.getEncoder().encodeToString("admin:connecta-dev".getBytes(StandardCharsets.UTF_8));

    static OwnPostgres postgres;
    static Azurite.Own azurite;
    static Path var;
    static int brokerPort;
    static AppProcess orchestrator;
    static final Map<String, AppProcess> workers = new ConcurrentHashMap<>();
    static final AtomicInteger starts = new AtomicInteger();
    static final Map<String, CompletableFuture<Void>> restarting = new ConcurrentHashMap<>();
    static Http fe;
    static JdbcTemplate orchestratorDb;
    static BlobContainerClient blobs;

    /** Every job the orchestrator accepted (202) in this class. */
    static final Set<String> accepted = ConcurrentHashMap.newKeySet();
    /** Every file dropped into a drop-in folder: profile id / file name. */
    static final List<String> dropped = new CopyOnWriteArrayList<>();
    /** Processes, work dirs and blobs a case left behind (it failed for them; later cases do not fail for them again). */
    static final Set<String> leftOver = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        try {
            var = Files.createTempDirectory("connecta-matrix-");
            postgres = OwnPostgres.start();
            String orchestratorUrl = postgres.createDatabase("orchestrator");
            String cuUrl = postgres.createDatabase("cu");
            orchestratorDb = new JdbcTemplate(new DriverManagerDataSource(orchestratorUrl, OwnPostgres.USER, ""));
            azurite = Azurite.own();
            blobs = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
                    .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT_NAME, Azurite.ACCOUNT_KEY))
                    .buildClient().getBlobContainerClient(CONTAINER);
            brokerPort = Apps.freePort();

            Map<String, Object> o = new HashMap<>(common());
            o.put("spring.datasource.url", orchestratorUrl);
            o.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + brokerPort);
            o.put("connecta.jobs.sweep-period-ms", 2000);
            o.put("connecta.jobs.worker-grace", "5s");
            o.put("connecta.jobs.queued-timeout", QUEUED_TIMEOUT.toSeconds() + "s");
            o.put("connecta.jobs.idempotency-claim-timeout", "2m");
            o.put("connecta.jobs.redispatch-after-ms", 2000);
            o.put("connecta.jobs.redispatch-period-ms", 1000);
            o.put("connecta.orchestrator.registry.lease-seconds", LEASE.toSeconds());
            orchestrator = AppProcess.start("matrix-orchestrator", Apps.freePort(),
                    new AppProcess.Launch(AppProcess.ORCHESTRATOR_JAR, "384m", JVM, Apps.withDevProfile(o), Map.of(), List.of()));
            fe = new Http("http://127.0.0.1:" + orchestrator.port + "/api/fe/v1").bearer(Apps.tokens(orchestrator.port).admin());

            Map<String, Object> c = new HashMap<>(common());
            c.put("spring.datasource.url", cuUrl);
            c.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + brokerPort);
            c.put("connecta.worker.orchestrator-url", "http://127.0.0.1:" + orchestrator.port);
            c.put("connecta.cu.sandbox.mode", "none");
            c.put("connecta.worker.shutdown-grace", "5s");
            c.put("connecta.cu.kill-grace", "2s");
            c.put("connecta.cu.dropin.poll-delay-ms", 200);
            c.put("connecta.cu.dropin.folders-period-ms", 500);
            c.put("connecta.cu.dropin.read-lock.min-age-ms", 500);
            c.put("connecta.cu.dropin.read-lock.check-interval-ms", 200);
            c.put("connecta.cu.dropin.lock.max-age-ms", 10000);
            c.put("connecta.cu.dropin.lock.keep-alive-ms", 2000);
            // the test CU that writes a NUL and invalid UTF-8 to stderr (also in cu-routes' cu-worker-test.yml)
            c.put("connecta.cu.executables.bad-bytes.path", "cu-routes/src/test/resources/cu-exec/bad-bytes");
            c.put("connecta.cu.executables.bad-bytes.positional[0]", "output");
            List<CompletableFuture<AppProcess>> starting = new ArrayList<>();
            for (String id : WORKER_IDS) {
                Map<String, Object> w = new HashMap<>(c);
                w.put("connecta.worker.instance-id", id);
                starting.add(CompletableFuture.supplyAsync(() -> AppProcess.start(id, Apps.freePort(), underConnectaLocale(w))));
            }
            starting.forEach(f -> {
                AppProcess w = f.join();
                workers.put(w.name, w);
            });
            awaitWorkersUp();

            profile("upper", "\"--mode\",\"upper\",\"${input}\",\"${output}\"");
            profile("long", "\"--sleep\",\"15\",\"${input}\",\"${output}\"");
            profile("slow", "\"--sleep\",\"5\",\"--mode\",\"upper\",\"${input}\",\"${output}\"");
            // the CUs a case interrupts sleep long; the case makes the profile quick before the job runs again
            for (String interrupted : List.of("stop-me", "orphan", "dropin-away", "dropin-restart")) {
                profile(interrupted, LONG_SLEEP);
            }
            Http.Response badBytes = fe.postJson("/worker-types/cu/profiles", "{\"id\":\"bad-bytes\",\"name\":\"bad-bytes\","
                    + "\"executable\":\"bad-bytes\",\"args\":[\"${output}\"],\"output\":\"out.dat\",\"timeoutSeconds\":60}");
            assertThat(badBytes.status()).as("profile bad-bytes: %s", badBytes).isEqualTo(201);
        } catch (Throwable e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try {
            restarting.values().forEach(r -> quietly(() -> r.exceptionally(e -> null).join()));
            // SIGTERM to all at once, then wait for each
            workers.values().forEach(w -> w.process.destroy());
            if (orchestrator != null) {
                orchestrator.process.destroy();
            }
            workers.values().forEach(w -> quietly(w::close));
            if (orchestrator != null) {
                quietly(orchestrator::close);
            }
            if (var != null) {
                // a safety net: whatever of this test's var dir still runs (the invariants failed) goes too
                testProcesses().forEach(ProcessHandle::destroyForcibly);
            }
        } finally {
            if (azurite != null) {
                quietly(azurite::close);
            }
            if (postgres != null) {
                quietly(postgres::close);
            }
            if (var != null) {
                FileSystemUtils.deleteRecursively(var.toFile());
            }
        }
    }

    @BeforeEach
    void bothWorkersRun() {
        ensureWorkers();
    }

    @AfterEach
    void everyJobEndedOnceAndNothingIsLeft() {
        // a killed worker starts again first: what it left behind is its own to clean up at start-up
        ensureWorkers();
        Set<String> earlier = Set.copyOf(leftOver);
        // what an earlier case left (a job that never ended, a process, a dir, a blob) failed that case; later cases
        // do not fail for it again
        List<String> unended = newLeftOvers(END, () -> orchestratorDb.queryForList(
                "SELECT job_id FROM job WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')", String.class));
        List<Map<String, Object>> rows = orchestratorDb.queryForList(
                "SELECT job_id, origin, state, error, profile_id, input_name FROM job");
        SoftAssertions then = new SoftAssertions();
        then.assertThat(unended).as("every job has ended").isEmpty();
        for (Map<String, Object> row : rows) {
            if (!"SUCCEEDED".equals(row.get("state"))) {
                then.assertThat((String) row.get("error")).as("a job that did not succeed says why: %s", row).isNotBlank();
            }
        }
        then.assertThat(rows.stream().filter(r -> !"DROP_IN".equals(r.get("origin"))).map(r -> (String) r.get("job_id")))
                .as("exactly the accepted jobs are recorded: none lost, none made twice").containsExactlyInAnyOrderElementsOf(accepted);
        rows.stream().filter(r -> "DROP_IN".equals(r.get("origin"))).forEach(r -> then.assertThat(dropped)
                .as("a drop-in job of a dropped file: %s", r).contains(r.get("profile_id") + "/" + r.get("input_name")));
        List<String> notOnce = newLeftOvers(Duration.ZERO, () -> dropped.stream().filter(d -> rows.stream()
                .filter(r -> "DROP_IN".equals(r.get("origin")) && "SUCCEEDED".equals(r.get("state")))
                .filter(r -> d.equals(r.get("profile_id") + "/" + r.get("input_name"))).count() != 1).toList());
        then.assertThat(notOnce).as("every dropped file ran to SUCCEEDED exactly once").isEmpty();

        List<String> processes = newLeftOvers(Duration.ofSeconds(15), () -> testProcesses().stream()
                .map(h -> "pid " + h.pid() + ": " + cmdline(h.pid()).trim()).toList());
        List<String> dirs = newLeftOvers(Duration.ofSeconds(15), FaultMatrixIT::workDirNames);
        Set<String> jobIds = rows.stream().map(r -> (String) r.get("job_id")).collect(Collectors.toSet());
        List<String> strayBlobs = newLeftOvers(Duration.ZERO, () -> blobNames().stream().filter(b -> {
            var m = BLOB.matcher(b);
            return !(m.matches() && jobIds.contains(m.group(1)));
        }).toList());
        then.assertThat(processes).as("no CU process is left").isEmpty();
        then.assertThat(dirs).as("no work dir is left").isEmpty();
        then.assertThat(strayBlobs).as("every blob belongs to a recorded job").isEmpty();
        // (a job an earlier case left RUNNING is counted only by the orchestrator that saw it start)
        long running = rows.stream().filter(r -> "RUNNING".equals(r.get("state"))).count();
        long runningNow = rows.stream().filter(r -> "RUNNING".equals(r.get("state")) && !earlier.contains(r.get("job_id"))).count();
        then.assertThat(runningGauge()).as("the running-jobs gauge counts the RUNNING jobs (0 once all ended)")
                .isBetween((double) runningNow, (double) running);
        then.assertAll();
    }

    /**
     * What {@code current} lists that no earlier case left, once that is nothing or after {@code patience}; remembered
     * as left over.
     */
    static List<String> newLeftOvers(Duration patience, java.util.function.Supplier<List<String>> current) {
        List<String> found = new ArrayList<>();
        java.util.function.BooleanSupplier nothingNew = () -> {
            found.clear();
            current.get().stream().filter(x -> !leftOver.contains(x)).forEach(found::add);
            return found.isEmpty();
        };
        try {
            if (!nothingNew.getAsBoolean() && !patience.isZero()) {
                Await.until("nothing is left", patience, nothingNew);
            }
        } catch (AssertionError e) {
            // found holds what is still there
        }
        leftOver.addAll(found);
        return List.copyOf(found);
    }

    // ---- the cases ------------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void case3NulAndInvalidUtf8OnStderrEndFailedWithAReadableReasonOnPostgres() {
        String jobId = submit("bad-bytes", "anything");

        JsonNode done = awaitEnd(jobId);

        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("FAILED");
        assertThat(done.path("error").asText()).as("NUL as the text \\u0000, bytes that are not UTF-8 as U+FFFD")
                .isEqualTo("exit code 3 is not in successExitCodes [0]; stderr: bad bytes: \\u0000\ufffd\ufffd end");
        assertThat(orchestratorDb.queryForObject("SELECT error FROM job WHERE job_id = ?", String.class, jobId))
                .as("stored in PostgreSQL as shown").isEqualTo(done.path("error").asText());
    }

    @Test
    @Order(20)
    void case6WorkerStartedUnderLcAllCTakesANonAsciiDropInFile() throws Exception {
        assertThat(System.getProperty("sun.jnu.encoding")).as("this test JVM itself must name files in UTF-8").isEqualTo("UTF-8");
        assertThat(jvmFileNameCharsetUnderLcAllC()).as("precondition: a JVM under LC_ALL=C cannot name non-ASCII files here,"
                + " so the case proves the fix").doesNotContain("UTF-8");

        Path folder = var.resolve("dropin/upper");
        Await.until("the workers made upper/in/", Duration.ofSeconds(30), () -> Files.isDirectory(folder.resolve("in")));
        drop("upper", NON_ASCII_NAME, "grüße aus dem märz\n");

        Await.until(NON_ASCII_NAME + " is in done/", END, () -> Files.exists(folder.resolve("done").resolve(NON_ASCII_NAME)));
        assertThat(Files.readString(folder.resolve("out").resolve(NON_ASCII_NAME)))
                .as("the output under the input's own name (ASCII letters upper-cased)").isEqualTo("GRüßE AUS DEM MäRZ\n");
        for (AppProcess w : workers.values()) {
            assertThat(Files.readString(w.log)).as("%s names files in UTF-8: no start-up ERROR about it", w.name)
                    .doesNotContain("File names are not UTF-8");
        }
    }

    @Test
    @Order(30)
    void case7ParallelUploadsWithOneIdempotencyKeyMakeOneJobAndLeaveNothingOver() throws Exception {
        String key = "matrix-" + Instant.now().toEpochMilli();
        int jobsBefore = jobRows();
        long inputsBefore = inputBlobs();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return keyed(key, "upper", "one body, ten requests");
                }));
            }
            go.countDown();
            Set<String> jobIds = new java.util.HashSet<>();
            for (Future<Http.Response> answer : answers) {
                Http.Response r = answer.get();
                assertThat(r.status()).as("every request with the key gets the job: %s", r).isEqualTo(202);
                jobIds.add(r.json().path("jobId").asText());
            }
            assertThat(jobIds).as("one job for the key").hasSize(1);
            accepted.addAll(jobIds);
            String jobId = jobIds.iterator().next();

            Http.Response otherProfile = keyed(key, "slow", "one body, ten requests");
            assertThat(otherProfile.status()).as("the key with another profile: %s", otherProfile).isEqualTo(422);
            assertThat(otherProfile.json().path("detail").asText()).contains("profileId");
            Http.Response otherBody = keyed(key, "upper", "another body");
            assertThat(otherBody.status()).as("the key with another body: %s", otherBody).isEqualTo(422);

            assertThat(jobRows()).as("one job row more").isEqualTo(jobsBefore + 1);
            assertThat(inputBlobs()).as("one input stored, none of the other requests' left over").isEqualTo(inputsBefore + 1);
            assertThat(awaitEnd(jobId).path("status").asText()).isEqualTo("SUCCEEDED");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(40)
    void case2QuickJobsRunOnAnIdleConsumerWhileALongJobRuns() {
        String longJob = submit("long", "long");
        awaitStatus(longJob, "RUNNING", Duration.ofSeconds(30));

        List<String> quick = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            quick.add(submit("upper", "quick " + i));
        }
        // the long job sleeps 15 s: none of the quick jobs may wait for it
        Await.until("all six quick jobs SUCCEEDED", Duration.ofSeconds(10),
                () -> quick.stream().allMatch(id -> status(id).equals("SUCCEEDED")));
        assertThat(status(longJob)).as("the quick jobs finished while the long one still ran").isEqualTo("RUNNING");
        assertThat(awaitEnd(longJob).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(50)
    void case9AQueuedJobWhoseDispatchMessageIsGoneIsDispatchedAgain() throws Exception {
        workers.values().forEach(w -> camelRoute(w, "cu-job", "stop()"));
        String jobId;
        try {
            jobId = submit("upper", "lost message");
            try (Connection c = new ActiveMQConnectionFactory("orchestrator", "connecta-dev-orchestrator",
                    "tcp://127.0.0.1:" + brokerPort).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue("connecta.jobs.cu"));
                Message taken = consumer.receive(10_000);
                assertThat(taken).as("something else took the dispatch message").isNotNull();
                assertThat(((TextMessage) taken).getText()).contains(jobId);
            }
        } finally {
            workers.values().forEach(w -> camelRoute(w, "cu-job", "start()"));
        }
        assertThat(status(jobId)).as("the job waits with its message gone").isEqualTo("QUEUED");

        JsonNode done = awaitEnd(jobId, QUEUED_TIMEOUT.plus(END));
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("attempt").asInt()).as("dispatched a second time").isEqualTo(2);
        assertThat(fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("LOST MESSAGE");
    }

    @Test
    @Order(60)
    void case8WithTheBlobStoreAwayReadinessIsDownAndSubmissionsFailFastWith503() {
        try {
            azurite.stop();
            Await.until("the orchestrator's readiness reports the blob store DOWN", Duration.ofSeconds(30),
                    () -> blobStoreHealth(orchestrator.port).equals("DOWN"));
            assertThat(readiness(orchestrator.port)).as("not ready without its blob store").isEqualTo(503);
            int jobsBefore = jobRows();
            long started = System.nanoTime();
            Http.Response refused = fe.send(fe.request("/jobs?workerType=cu&profileId=upper&filename=input.txt")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("while the store is away")));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(refused.status()).as("submission without a blob store: %s", refused).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().path("detail").asText()).contains("blob store is unavailable");
            assertThat(took).as("fails fast, not after the storage client's retries").isLessThan(Duration.ofSeconds(5));
            assertThat(jobRows()).as("nothing recorded").isEqualTo(jobsBefore);
        } finally {
            azurite.start();
        }
        Await.until("readiness reports the blob store UP again", Duration.ofSeconds(30),
                () -> blobStoreHealth(orchestrator.port).equals("UP"));
        assertThat(readiness(orchestrator.port)).as("ready again").isEqualTo(200);
        assertThat(awaitEnd(submit("upper", "store is back")).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    // ---- the four extra faults ----------------------------------------------------------------------------------------

    @Test
    @Order(70)
    void postgresRestartMidJob() {
        String jobId = submit("slow", "through a database restart");
        awaitStatus(jobId, "RUNNING", Duration.ofSeconds(30));

        postgres.restart();

        JsonNode done = awaitEnd(jobId);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("THROUGH A DATABASE RESTART");
        assertThat(awaitEnd(submit("upper", "after the restart")).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(80)
    void blobStoreUnreachableForThirtySecondsWhileJobsRun() {
        List<String> jobs = List.of(submit("slow", "first in flight"), submit("slow", "second in flight"));
        jobs.forEach(id -> awaitStatus(id, "RUNNING", Duration.ofSeconds(30)));
        try {
            azurite.stop();
            Instant back = Instant.now().plusSeconds(30);
            // the outage lasts 30 s; all that time no job may end FAILED for it
            while (Instant.now().isBefore(back)) {
                jobs.forEach(id -> assertThat(status(id)).as("job %s during the outage", id).isIn("QUEUED", "RUNNING"));
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
        } finally {
            azurite.start();
        }
        for (String id : jobs) {
            JsonNode done = awaitEnd(id);
            assertThat(done.path("status").asText()).as("job %s resumed once the store was back", done).isEqualTo("SUCCEEDED");
        }
        assertThat(fe.get("/jobs/" + jobs.get(0) + "/result").body()).isEqualTo("FIRST IN FLIGHT");
    }

    // ---- faults that need the worker side (helper A) and the sweeper's incarnations (helper B) --------------------

    @Test
    @Order(100)
    void case1GracefulStopHandsTheRunningJobBackInsteadOfFailingIt() {
        String jobId = submit("stop-me", "survives a deploy");
        awaitStatus(jobId, "RUNNING", Duration.ofSeconds(30));
        String first = workerOf(jobId);
        List<ProcessHandle> cu = cuProcessesOf(jobId);
        reprofile("stop-me", QUICK);

        workers.get(first).terminate(Duration.ofSeconds(60));
        restartInBackground(first);

        // it may already have run again on the other worker (the profile is quick now), but never ended FAILED
        assertThat(status(jobId)).as("a CU stopped by its worker's shutdown is not a failed job").isNotEqualTo("FAILED");
        assertThat(cu).as("the worker killed its CU after the grace").noneMatch(FaultMatrixIT::alive);
        JsonNode done = awaitEnd(jobId);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("workerInstanceId").asText()).as("ran again on the other worker").isNotEqualTo(first);
        assertThat(done.path("attempt").asInt()).as("it ran twice").isEqualTo(2);
    }

    @Test
    @Order(110)
    void case5KilledWorkersOrphanIsKilledAtRestartAndTheJobRunsAgainAsAttempt2() {
        String jobId = submit("orphan", "runs twice");
        awaitStatus(jobId, "RUNNING", Duration.ofSeconds(30));
        String first = workerOf(jobId);
        List<ProcessHandle> orphan = cuProcessesOf(jobId);
        reprofile("orphan", QUICK);
        List<Path> workDir = workDirs().stream().filter(d -> d.getFileName().toString().startsWith(jobId)).toList();
        assertThat(workDir).as("the job's work dir").hasSize(1);

        workers.get(first).kill();
        assertThat(orphan).as("precondition: kill -9 of the worker leaves its CU running").anyMatch(FaultMatrixIT::alive);

        restartWorker(first);
        assertThat(orphan).as("the restarted worker killed its predecessor's CU before taking jobs")
                .noneMatch(FaultMatrixIT::alive);
        assertThat(workDir.get(0)).as("and removed its work dir").doesNotExist();
        JsonNode done = awaitEnd(jobId);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("attempt").asInt()).as("the real count: it ran twice").isEqualTo(2);
    }

    @Test
    @Order(120)
    void workerRestartedMidDropInJobEndsTheFirstRecordAndTheFileRunsAgain() throws IOException {
        String name = "restarted-" + Instant.now().toEpochMilli() + ".txt";
        drop("dropin-restart", name, "dropped before a restart\n");
        String first = awaitDropInJob("dropin-restart", name, "RUNNING");
        String worker = workerOf(first);
        cuProcessesOf(first);
        reprofile("dropin-restart", QUICK);

        workers.get(worker).kill();
        long started = System.nanoTime();
        restartWorker(worker);
        Duration away = Duration.ofNanos(System.nanoTime() - started);

        Await.until("the first record ends FAILED", END, () -> status(first).equals("FAILED"));
        String reason = fe.get("/jobs/" + first).json().path("error").asText();
        if (away.compareTo(LEASE.minusSeconds(5)) < 0) {
            assertThat(reason).as("the worker was back within its lease").contains("restarted").contains("runs again as a new job");
        } else {
            // a start-up slower than the lease (a busy machine): the worker went away first, as far as anyone could tell
            assertThat(reason).as("back after %s, later than its lease", away).containsAnyOf("restarted", "went away");
        }
        awaitDropInJob("dropin-restart", name, "SUCCEEDED");
        assertThat(Files.readString(var.resolve("dropin/dropin-restart/out").resolve(name))).isEqualTo("DROPPED BEFORE A RESTART\n");
    }

    @Test
    @Order(130)
    void case4DropInJobOfAKilledWorkerEndsFailedAndTheFileRunsAgain() throws IOException {
        String name = "away-" + Instant.now().toEpochMilli() + ".txt";
        drop("dropin-away", name, "dropped before a kill\n");
        String first = awaitDropInJob("dropin-away", name, "RUNNING");
        String worker = workerOf(first);
        cuProcessesOf(first);
        reprofile("dropin-away", QUICK);

        // it stays away: the sweeper ends its job once its lease and the grace have passed
        workers.get(worker).kill();

        Await.until("the first record ends FAILED", END, () -> status(first).equals("FAILED"));
        assertThat(fe.get("/jobs/" + first).json().path("error").asText()).as("the reason").contains("went away");
        restartInBackground(worker);
        awaitDropInJob("dropin-away", name, "SUCCEEDED");
        assertThat(Files.readString(var.resolve("dropin/dropin-away/out").resolve(name))).isEqualTo("DROPPED BEFORE A KILL\n");
        assertThat(Files.exists(var.resolve("dropin/dropin-away/done").resolve(name))).isTrue();
    }

    @Test
    @Order(140)
    void orchestratorKilledMidJobWithItsEmbeddedBroker() {
        String jobId = submit("slow", "through an orchestrator crash");
        awaitStatus(jobId, "RUNNING", Duration.ofSeconds(30));

        orchestrator.kill();
        orchestrator = orchestrator.restart("matrix-orchestrator-" + starts.incrementAndGet());
        awaitWorkersUp();

        JsonNode done = awaitEnd(jobId);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("THROUGH AN ORCHESTRATOR CRASH");
        assertThat(awaitEnd(submit("upper", "after the crash")).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(150)
    void twoHundredJobsWhileAWorkerIsKilledAndRestartedTwice() throws Exception {
        Map<String, String> inputs = new ConcurrentHashMap<>();
        String victim = WORKER_IDS.get(0);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            // two bursts of 100: each time a quarter of the burst has ended, the worker is killed, then started again
            for (int burst = 0; burst < 2; burst++) {
                Map<String, String> these = new ConcurrentHashMap<>();
                List<Future<?>> submitted = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String input = "job " + burst + "-" + i + " of the bursts";
                    submitted.add(submitters.submit(() -> these.put(submit("upper", input), input)));
                }
                Await.until("a quarter of burst " + burst + " ended", END, () -> endedOf(these.keySet()) >= 25);
                workers.get(victim).kill();
                for (Future<?> f : submitted) {
                    f.get();
                }
                if (burst == 0) {
                    restartWorker(victim);
                } else {
                    // the rest of the jobs run on the other worker meanwhile; the case ends with both workers up
                    restartInBackground(victim);
                }
                inputs.putAll(these);
            }
        } finally {
            submitters.shutdownNow();
        }
        assertThat(inputs).hasSize(200);
        Await.until("all 200 jobs ended", Duration.ofMinutes(3), () -> endedOf(inputs.keySet()) == 200);
        inputs.forEach((jobId, input) -> {
            assertThat(status(jobId)).as("job %s", jobId).isEqualTo("SUCCEEDED");
            assertThat(fe.get("/jobs/" + jobId + "/result").body()).as("result of %s", jobId)
                    .isEqualTo(input.toUpperCase(Locale.ROOT));
        });
    }

    // ---- the system ---------------------------------------------------------------------------------------------------

    static Map<String, Object> common() {
        Map<String, Object> p = new HashMap<>(JobSystem.azureBlobStore(azurite.endpoint(), CONTAINER));
        p.put("spring.profiles.active", "postgres");
        p.put("spring.datasource.username", OwnPostgres.USER);
        p.put("spring.datasource.password", "");
        p.put("connecta.var-dir", var.toString());
        // a 30 s outage must not use up the deliveries: 0.5+1+2+4+8×5 s ≈ 47 s before the tenth
        p.put("connecta.jms.redelivery.initial-delay-ms", 500);
        p.put("connecta.jms.redelivery.max-delay-ms", 8000);
        return p;
    }

    /**
     * A worker started from a shell under {@code LC_ALL=C} that picks the apps' locale with {@code ./connecta}'s own
     * {@code app_locale} (so a regression there fails case 6).
     */
    static AppProcess.Launch underConnectaLocale(Map<String, Object> properties) {
        return new AppProcess.Launch(AppProcess.CU_JAR, "256m", JVM, Apps.withDevProfile(properties), Map.of("LC_ALL", "C"),
                List.of("bash", "-c", "eval \"$(sed -n '/^app_locale() {/,/^}/p' connecta)\"; LC_ALL=$(app_locale) exec \"$@\"",
                        "connecta-locale"));
    }

    static String jvmFileNameCharsetUnderLcAllC() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "java -XshowSettings:properties -version 2>&1 | grep sun.jnu.encoding")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /**
     * Starts the workers that are not running (again, on their own port, with their own instance id), lets those that
     * are starting finish, and awaits them all UP.
     */
    static void ensureWorkers() {
        for (String id : WORKER_IDS) {
            if (!restarting.containsKey(id) && !workers.get(id).process.isAlive()) {
                restartInBackground(id);
            }
        }
        for (String id : WORKER_IDS) {
            CompletableFuture<Void> r = restarting.remove(id);
            if (r != null) {
                r.join();
            }
        }
        awaitWorkersUp();
    }

    /** Starts the stopped worker again while the case goes on; {@link #ensureWorkers()} waits for it. */
    static void restartInBackground(String id) {
        restarting.put(id, CompletableFuture.runAsync(() -> restartWorker(id)));
    }

    static void awaitWorkersUp() {
        Await.until("both workers are registered and UP", Duration.ofSeconds(60), () -> {
            JsonNode list = fe.get("/workers").json();
            return WORKER_IDS.stream().allMatch(id -> {
                for (JsonNode w : list) {
                    if (w.path("instanceId").asText().equals(id) && w.path("status").asText().equals("UP")) {
                        return true;
                    }
                }
                return false;
            });
        });
    }

    /** Changes a profile's arguments (the next run of any job with it uses them). */
    static void reprofile(String id, String args) {
        long version = fe.get("/worker-types/cu/profiles/" + id).json().path("version").asLong();
        Http.Response r = fe.putJson("/worker-types/cu/profiles/" + id, "{\"id\":\"" + id + "\",\"name\":\"" + id
                + "\",\"executable\":\"sample-cu\",\"args\":[" + args + "],\"output\":\"out.dat\",\"timeoutSeconds\":120,"
                + "\"version\":" + version + "}");
        assertThat(r.status()).as("profile %s changed: %s", id, r).isEqualTo(200);
    }

    static void profile(String id, String args) {
        Http.Response r = fe.postJson("/worker-types/cu/profiles", "{\"id\":\"" + id + "\",\"name\":\"" + id
                + "\",\"executable\":\"sample-cu\",\"args\":[" + args + "],\"output\":\"out.dat\",\"timeoutSeconds\":120}");
        assertThat(r.status()).as("profile %s: %s", id, r).isEqualTo(201);
    }

    static String submit(String profileId, String input) {
        Http.Response r = fe.send(fe.request("/jobs?workerType=cu&profileId=" + profileId + "&filename=input.txt")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString(input)));
        assertThat(r.status()).as("submission: %s", r).isEqualTo(202);
        String jobId = r.json().path("jobId").asText();
        accepted.add(jobId);
        return jobId;
    }

    static Http.Response keyed(String key, String profileId, String input) {
        return fe.send(fe.request("/jobs?workerType=cu&profileId=" + profileId + "&filename=input.txt")
                .header("Content-Type", "application/octet-stream").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(input)));
    }

    /** Writes the file beside the folder and moves it into {@code in/} at once, as a careful legacy system does. */
    static void drop(String profileId, String name, String content) throws IOException {
        Path in = var.resolve("dropin").resolve(profileId).resolve("in");
        Await.until(in + " exists", Duration.ofSeconds(30), () -> Files.isDirectory(in));
        Path staged = Files.writeString(var.resolve(name), content);
        dropped.add(profileId + "/" + name);
        Files.move(staged, in.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The id of the drop-in job of the file in that state (the newest such record). */
    static String awaitDropInJob(String profileId, String name, String state) {
        List<String> ids = new ArrayList<>();
        Await.until("a drop-in job of " + name + " is " + state, END, () -> {
            ids.clear();
            ids.addAll(orchestratorDb.queryForList("SELECT job_id FROM job WHERE origin = 'DROP_IN' AND profile_id = ?"
                    + " AND input_name = ? AND state = ? ORDER BY created_at DESC", String.class, profileId, name, state));
            return !ids.isEmpty();
        });
        return ids.get(0);
    }

    static String status(String jobId) {
        return fe.get("/jobs/" + jobId).json().path("status").asText();
    }

    static void awaitStatus(String jobId, String status, Duration timeout) {
        Await.until("job " + jobId + " is " + status, timeout, () -> status(jobId).equals(status));
    }

    static JsonNode awaitEnd(String jobId) {
        return awaitEnd(jobId, END);
    }

    static JsonNode awaitEnd(String jobId, Duration timeout) {
        Await.until("job " + jobId + " ends", timeout, () -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status(jobId)));
        return fe.get("/jobs/" + jobId).json();
    }

    static int endedOf(Set<String> jobIds) {
        if (jobIds.isEmpty()) {
            return 0;
        }
        return orchestratorDb.queryForObject("SELECT COUNT(*) FROM job WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')"
                + " AND job_id IN (" + String.join(",", jobIds.stream().map(id -> "?").toList()) + ")",
                Integer.class, jobIds.toArray());
    }

    static int jobRows() {
        return orchestratorDb.queryForObject("SELECT COUNT(*) FROM job", Integer.class);
    }

    /** The instance id of the worker the job runs on (as the orchestrator records it). */
    static String workerOf(String jobId) {
        String instance = fe.get("/jobs/" + jobId).json().path("workerInstanceId").asText();
        assertThat(WORKER_IDS).as("job %s runs on one of the workers", jobId).contains(instance);
        return instance;
    }

    /** The worker started again after it ended: same instance id, port and properties. */
    static void restartWorker(String id) {
        workers.put(id, workers.get(id).restart(id + "-" + starts.incrementAndGet()));
    }

    /**
     * The CU processes of a running job, once there are any (sample-cu names its work dir, which starts with the job id;
     * its children run there). RUNNING is reported before the input is fetched and the CU started.
     */
    static List<ProcessHandle> cuProcessesOf(String jobId) {
        List<ProcessHandle> found = new ArrayList<>();
        Await.until("the CU of job " + jobId + " runs", Duration.ofSeconds(30), () -> {
            found.clear();
            testProcesses().stream().filter(h -> cmdline(h.pid()).contains(jobId) || cwd(h.pid()).contains(jobId))
                    .forEach(found::add);
            return found.stream().anyMatch(h -> cmdline(h.pid()).contains("sleep"));
        });
        return List.copyOf(found);
    }

    /** Processes of this test's var dir (command line or working directory) other than the apps themselves. */
    static List<ProcessHandle> testProcesses() {
        Set<Long> apps = new java.util.HashSet<>();
        workers.values().forEach(w -> apps.add(w.process.pid()));
        if (orchestrator != null) {
            apps.add(orchestrator.process.pid());
        }
        String dir = var.toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> !apps.contains(h.pid()) && h.pid() != ProcessHandle.current().pid())
                    .filter(FaultMatrixIT::alive)
                    .filter(h -> cmdline(h.pid()).contains(dir) || cwd(h.pid()).startsWith(dir))
                    .toList();
        }
    }

    /** Alive and not a zombie waiting for its reaper. */
    static boolean alive(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(h.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    static String cwd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Job work dirs (named after their job id) anywhere under the shared work root. */
    static List<Path> workDirs() {
        Path root = var.resolve("work");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isDirectory).filter(p -> JOB_DIR.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            // a dir removed while walking: look again
            throw new UncheckedIOException(e);
        }
    }

    static long inputBlobs() {
        return blobNames().stream().filter(b -> b.endsWith("/input")).count();
    }

    static List<String> workDirNames() {
        return workDirs().stream().map(Path::toString).toList();
    }

    static List<String> blobNames() {
        if (!blobs.exists()) {
            return List.of();
        }
        return blobs.listBlobs().stream().map(BlobItem::getName).toList();
    }

    static String blobStoreHealth(int port) {
        JsonNode health = new Http("http://127.0.0.1:" + port).get("/actuator/health/readiness").json();
        return health.path("components").path("blobStore").path("status").asText("ABSENT");
    }

    static int readiness(int port) {
        return new Http("http://127.0.0.1:" + port).get("/actuator/health/readiness").status();
    }

    static double runningGauge() {
        Http ops = new Http("http://127.0.0.1:" + orchestrator.port);
        String metrics = ops.send(ops.request("/actuator/prometheus").header("Authorization", OPERATOR)).body();
        return metrics.lines().filter(l -> l.startsWith("connecta_jobs_running{") && l.contains("workerType=\"cu\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Stops or starts a Camel route of an app through Jolokia, as an operator in Hawtio does. */
    static void camelRoute(AppProcess app, String routeId, String operation) {
        Http ops = new Http("http://127.0.0.1:" + app.port);
        Http.Response version = ops.send(ops.request("/actuator/jolokia/version").header("Authorization", OPERATOR));
        String xsrf = version.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie from " + app.name + ": " + version));
        Http.Response search = jolokia(ops, xsrf, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,name=\\\""
                + routeId + "\\\",*\"}");
        String mbean = search.json().path("value").path(0).asText();
        assertThat(mbean).as("route %s of %s: %s", routeId, app.name, search).isNotEmpty();
        Http.Response done = jolokia(ops, xsrf, "{\"type\":\"exec\",\"mbean\":\"" + mbean.replace("\"", "\\\"")
                + "\",\"operation\":\"" + operation + "\"}");
        assertThat(done.json().path("status").asInt()).as("%s %s on %s: %s", operation, routeId, app.name, done).isEqualTo(200);
    }

    private static Http.Response jolokia(Http ops, String xsrf, String json) {
        return ops.send(ops.request("/actuator/jolokia").header("Authorization", OPERATOR)
                .header("Cookie", "XSRF-TOKEN=" + xsrf).header("X-XSRF-TOKEN", xsrf)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | AssertionError e) {
            System.err.println("cleanup: " + e);
        }
    }
}
