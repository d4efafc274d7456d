package io.connecta.cu.dropin;

import io.connecta.cu.ResultsBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import io.connecta.cu.CuWorkerApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The folder drop-in with real files, the real sample CU, H2 for the profiles and the lock, and a broker of the test's
 * own that receives the worker's DROP_IN reports.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = CuWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=" + CuWorkerApplication.CONFIG_NAME,
        "spring.datasource.url=jdbc:h2:mem:dropin-test;DB_CLOSE_DELAY=-1",
        "connecta.worker.instance-id=dropin-test-cu",
        "connecta.cu.dropin.poll-delay-ms=200",
        "connecta.cu.dropin.folders-period-ms=300",
        "connecta.cu.dropin.read-lock.check-interval-ms=200",
        "connecta.cu.dropin.read-lock.min-age-ms=" + DropInRoutesTest.MIN_AGE_MS})
class DropInRoutesTest {

    static final long MIN_AGE_MS = 3000;
    static final Duration END = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BROKER = "dropin-test";

    static ResultsBroker broker;
    static Path varDir;
    static Path root;
    static List<JsonNode> reports;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    /** The token issuer the worker trusts here (no orchestrator): a real one, over HTTP. */
    static final TestIssuer ISSUER = TestIssuer.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("connecta.var-dir", () -> varDir.toString());
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
        registry.add("spring.activemq.broker-url", () -> ResultsBroker.urlOf(BROKER));
    }

    @BeforeAll
    static void startBrokerAndListenToReports() throws Exception {
        varDir = Files.createTempDirectory("connecta-dropin-test");
        // the CU runs as nobody (cu-worker-test.yml): its sandbox is set up as that user, who must reach the work dir
        Files.setPosixFilePermissions(varDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = varDir.resolve("dropin");
        broker = ResultsBroker.start(BROKER);
        reports = broker.reports();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void droppedFileGoesThroughTheCuToOutAndMovesToDone() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        profile("upper", "--mode", "upper", "${input}", "${output}");

        drop("upper", "report.txt", "hello legacy\n");

        Path done = root.resolve("upper/done/report.txt");
        Await.until("report.txt reaches done/", END, () -> Files.exists(done));
        assertThat(Files.readString(root.resolve("upper/out/report.txt")))
                .as("the output keeps the input's name in out/ and is the CU's output").isEqualTo("HELLO LEGACY\n");
        assertThat(Files.readString(done)).as("the input is moved unchanged").isEqualTo("hello legacy\n");
        assertThat(root.resolve("upper/in/report.txt")).as("nothing is left in in/").doesNotExist();
        assertThat(listing(root.resolve("upper/out"))).as("no temporary file is left in out/")
                .containsExactly("report.txt");

        List<JsonNode> job = awaitReports("report.txt", "SUCCEEDED");
        assertThat(job).extracting(r -> r.path("status").asText()).as("RUNNING, then SUCCEEDED")
                .containsExactly("RUNNING", "SUCCEEDED");
        JsonNode result = job.get(1);
        assertThat(result.path("origin").asText()).isEqualTo("DROP_IN");
        assertThat(result.path("workerType").asText()).isEqualTo("cu");
        assertThat(result.path("profileId").asText()).isEqualTo("upper");
        assertThat(result.path("workerInstanceId").asText()).isEqualTo("dropin-test-cu");
        assertThat(result.path("profileVersion").asLong()).isEqualTo(1);
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.has("resultBlobId")).as("a drop-in output is a file in out/, not a blob").isFalse();
        Await.until("the lock is released once the file has moved", END, () -> lockRows() == 0);
    }

    @Test
    void failingCuMovesTheInputToErrorWithExitCodeAndStderr() throws IOException {
        profile("fail3", "--fail", "3", "--stderr", "boom", "${input}", "${output}");

        drop("fail3", "bad.txt", "x");

        Path reason = root.resolve("fail3/error/bad.txt.error.txt");
        Await.until("bad.txt reaches error/ with its reason", END,
                () -> Files.exists(reason) && Files.exists(root.resolve("fail3/error/bad.txt")));
        assertThat(Files.readString(reason)).as("the reason names the exit code and the CU's stderr")
                .contains("exit code 3").contains("boom");
        assertThat(root.resolve("fail3/out/bad.txt")).as("a failed run writes no output").doesNotExist();
        JsonNode failed = awaitReports("bad.txt", "FAILED").get(1);
        assertThat(failed.path("exitCode").asInt()).isEqualTo(3);
        assertThat(failed.path("error").asText()).contains("exit code 3").contains("boom");
        assertThat(failed.path("origin").asText()).isEqualTo("DROP_IN");
    }

    @Test
    void timedOutCuMovesTheInputToErrorWithTheTimeout() throws IOException {
        createProfile("slow", 1, "--sleep", "30", "${input}", "${output}");

        drop("slow", "late.txt", "x");

        Path reason = root.resolve("slow/error/late.txt.error.txt");
        Await.until("late.txt reaches error/ with its reason", END, () -> Files.exists(reason));
        assertThat(Files.readString(reason)).as("the reason says the CU timed out").contains("timed out after 1 s");
    }

    @Test
    void fileInAFolderOfNoProfileIsLeftAlone() throws IOException {
        Files.createDirectories(root.resolve("nope/in"));
        Path orphan = Files.writeString(root.resolve("nope/in/orphan.txt"), "x");

        processMarker();

        assertThat(orphan).as("a folder of no profile is not the drop-in's: its file stays").exists();
        assertThat(root.resolve("nope/error")).as("no error/ is made for it").doesNotExist();
        assertThat(reportsFor("orphan.txt")).as("no job for it").isEmpty();
    }

    /** Issue 10, attack 6: a link dropped into in/ pointing outside the root is never read. */
    @Test
    void droppedLinkGoesToErrorUnreadWithTheReason() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        Path secret = Files.writeString(varDir.resolve("outside-secret.txt"), "secret outside the drop-in root\n");
        Path in = root.resolve("copy/in");
        Await.until("copy/in/ exists", END, () -> Files.isDirectory(in));
        Files.createSymbolicLink(in.resolve("link.txt"), secret);

        Path reason = root.resolve("copy/error/link.txt.error.txt");
        Await.until("link.txt reaches error/ with its reason", END, () -> Files.exists(reason));
        assertThat(Files.isSymbolicLink(root.resolve("copy/error/link.txt"))).as("the link itself is moved").isTrue();
        assertThat(Files.readString(reason)).contains("symbolic link");
        assertThat(root.resolve("copy/out/link.txt")).as("the outside file's content never reaches out/")
                .doesNotExist();
        assertThat(Files.readString(secret)).as("the target is untouched").isEqualTo("secret outside the drop-in root\n");
        assertThat(awaitReports("link.txt", "FAILED")).extracting(r -> r.path("status").asText())
                .as("nothing ran: FAILED only").containsExactly("FAILED");
    }

    /**
     * An empty file, a named pipe and a link to nothing can never be processed: they are left in in/, and they do not
     * hold up the files behind them (the read lock would wait its 30 s timeout on each of them at every poll).
     */
    @Test
    void emptyFilePipeAndBrokenLinkAreLeftAloneAndHoldUpNothing() throws Exception {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        Path in = root.resolve("copy/in");
        Await.until("copy/in/ exists", END, () -> Files.isDirectory(in));
        Path empty = Files.createFile(in.resolve("empty.txt"));
        Path pipe = in.resolve("pipe.txt");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).as("mkfifo").isZero();
        Path broken = Files.createSymbolicLink(in.resolve("broken.txt"), varDir.resolve("no-such-file"));

        String name = "behind-" + System.nanoTime() + ".txt";
        drop("copy", name, "behind");
        Await.until(name + " is done long before a read-lock timeout", Duration.ofMillis(MIN_AGE_MS + 10_000),
                () -> Files.exists(root.resolve("copy/done").resolve(name)));

        assertThat(empty).as("the empty file waits for its bytes").exists();
        assertThat(pipe).as("the pipe is left alone").exists();
        assertThat(Files.isSymbolicLink(broken)).as("the link to nothing is left alone").isTrue();
        assertThat(reportsFor("empty.txt")).isEmpty();
        assertThat(reportsFor("pipe.txt")).isEmpty();
        assertThat(reportsFor("broken.txt")).isEmpty();
        Files.delete(empty);
        Files.delete(pipe);
        Files.delete(broken);
    }

    /** An in/ folder that is a link (here to a folder outside the root) is not walked: left alone, logged once. */
    @Test
    void inFolderThatIsALinkIsLeftAlone() throws IOException {
        profile("linked", "--mode", "copy", "${input}", "${output}");
        Path in = root.resolve("linked/in");
        Await.until("linked/in/ exists", END, () -> Files.isDirectory(in));
        Path outside = Files.createDirectories(varDir.resolve("outside-folder"));
        Path file = Files.writeString(outside.resolve("data.txt"), "outside");
        Files.delete(in);
        Files.createSymbolicLink(in, outside);

        processMarker();

        assertThat(file).as("the file behind the linked in/ is not taken").exists();
        assertThat(root.resolve("linked/out/data.txt")).doesNotExist();
        assertThat(reportsFor("data.txt")).as("no job").isEmpty();
    }

    /**
     * An out/, done/ or error/ folder replaced by a link (here to folders outside the root, where the worker would
     * write the CU's output, the input and its reason file as root: think /etc/cron.d) is never written through: the
     * file stays in in/, untouched, and nothing appears behind the links.
     */
    @Test
    void outDoneOrErrorFolderThatIsALinkIsNeverWrittenThrough() throws IOException {
        profile("linked-out", "--mode", "copy", "${input}", "${output}");
        profile("linked-error", "--fail", "3", "${input}", "${output}");
        Path outside = Files.createDirectories(varDir.resolve("outside-targets"));
        for (String folder : List.of("linked-out/out", "linked-out/done", "linked-error/error")) {
            Path linked = root.resolve(folder);
            Await.until(folder + " exists", END, () -> Files.isDirectory(linked));
            Files.delete(linked);
            Files.createSymbolicLink(linked, outside);
        }

        drop("linked-out", "evil", "* * * * * root id > /tmp/pwned\n");
        drop("linked-error", "evil2", "x");
        processMarker();

        assertThat(listing(outside)).as("nothing written through the links").isEmpty();
        assertThat(root.resolve("linked-out/in/evil")).as("the file is left alone").exists();
        assertThat(root.resolve("linked-error/in/evil2")).as("the file is left alone").exists();
    }

    /**
     * Issue 10, attack 7: names as long as a file system allows. The output and done/ keep the name; the temporary
     * file and the reason file stay within 255 bytes; each file is one job, not one per poll.
     */
    @Test
    void longNamesRunOnceAndTheirReasonFilesFit() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        profile("fail3", "--fail", "3", "--stderr", "boom", "${input}", "${output}");
        String ok = "o".repeat(236) + ".txt";
        String bad = "b".repeat(251) + ".txt";
        assertThat(bad.getBytes(StandardCharsets.UTF_8)).hasSize(255);

        drop("copy", ok, "a long name\n");
        drop("fail3", bad, "x");

        Await.until("the 240-byte name reaches done/", END, () -> Files.exists(root.resolve("copy/done").resolve(ok)));
        assertThat(Files.readString(root.resolve("copy/out").resolve(ok))).isEqualTo("a long name\n");
        Await.until("the 255-byte name reaches error/", END, () -> listing(root.resolve("fail3/error")).stream()
                .anyMatch(n -> n.endsWith(".error.txt") && n.startsWith("bbbb")));
        List<String> error = listing(root.resolve("fail3/error")).stream().filter(n -> n.startsWith("bbbb")).toList();
        assertThat(error).as("the input and its reason, side by side, the reason's name shortened to fit")
                .hasSize(2).allSatisfy(n -> assertThat(n.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255));
        String parked = error.stream().filter(n -> !n.endsWith(".error.txt")).findFirst().orElseThrow();
        assertThat(error).contains(parked + ".error.txt");

        processMarker();
        assertThat(reportsFor(ok)).extracting(r -> r.path("status").asText()).as("one job for the long name")
                .containsExactly("RUNNING", "SUCCEEDED");
        assertThat(reportsFor(bad)).extracting(r -> r.path("status").asText()).as("one job, not one per poll")
                .containsExactly("RUNNING", "FAILED");
    }

    @Test
    void fileStillBeingWrittenIsProcessedOnceAndWhole() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        byte[] half = "first half of a slow copy over a share\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        byte[] rest = "second half, written later\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path in = root.resolve("copy/in/slow.txt");

        try (OutputStream writer = Files.newOutputStream(in, StandardOpenOption.CREATE_NEW)) {
            writer.write(half);
            writer.flush();
            // the worker has seen the file and holds its lock, waiting for it to stop changing (min age 3 s) ...
            Await.until("the worker has taken the lock on slow.txt", Duration.ofMillis(MIN_AGE_MS - 500),
                    () -> lockRows() == 1);
            assertThat(root.resolve("copy/out/slow.txt")).as("half a file is not processed").doesNotExist();
            assertThat(reportsFor("slow.txt")).as("no job started on half a file").isEmpty();
            // ... and the rest comes well within the min age
            writer.write(rest);
        }

        Path out = root.resolve("copy/out/slow.txt");
        Await.until("slow.txt is processed", END, () -> Files.exists(root.resolve("copy/done/slow.txt")));
        byte[] whole = new byte[half.length + rest.length];
        System.arraycopy(half, 0, whole, 0, half.length);
        System.arraycopy(rest, 0, whole, half.length, rest.length);
        assertThat(Files.readAllBytes(out)).as("the output is made of the whole input").isEqualTo(whole);
        assertThat(awaitReports("slow.txt", "SUCCEEDED")).as("one job: RUNNING and SUCCEEDED").hasSize(2);
    }

    @Test
    void sameNameDroppedTwiceIsProcessedTwice() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");

        drop("copy", "again.txt", "first");
        Await.until("the first again.txt is done", END, () -> Files.exists(root.resolve("copy/done/again.txt")));
        drop("copy", "again.txt", "second");
        Await.until("the second again.txt is done too", END, () -> listing(root.resolve("copy/done")).stream()
                .filter(n -> n.startsWith("again")).count() == 2);

        assertThat(Files.readString(root.resolve("copy/out/again.txt"))).as("out/ holds the latest output")
                .isEqualTo("second");
        assertThat(Files.readString(root.resolve("copy/done/again.txt"))).as("the first input is kept")
                .isEqualTo("first");
        String second = listing(root.resolve("copy/done")).stream()
                .filter(n -> n.startsWith("again-") && n.endsWith(".txt")).findFirst().orElseThrow();
        assertThat(Files.readString(root.resolve("copy/done").resolve(second)))
                .as("the second input gets a unique name in done/").isEqualTo("second");
        Await.until("two jobs reported SUCCEEDED for again.txt", END, () -> reportsFor("again.txt").stream()
                .filter(r -> r.path("status").asText().equals("SUCCEEDED")).map(r -> r.path("jobId").asText())
                .distinct().count() == 2);
    }

    @Test
    void profileCreatedAfterStartUpGetsItsFolderAndWorks() throws IOException {
        assertThat(root.resolve("late-comer")).as("no folder before the profile exists").doesNotExist();

        profile("late-comer", "--mode", "upper", "${input}", "${output}");
        Await.until("late-comer/in/ appears without a restart", END,
                () -> Files.isDirectory(root.resolve("late-comer/in")));
        Files.writeString(root.resolve("late-comer/in/new.txt"), "works");

        Await.until("new.txt is processed", END, () -> Files.exists(root.resolve("late-comer/out/new.txt")));
        assertThat(Files.readString(root.resolve("late-comer/out/new.txt"))).isEqualTo("WORKS");
    }

    /** Drops a file and waits until it is done: the consumer has polled many times meanwhile (min age 3 s). */
    private void processMarker() throws IOException {
        profile("copy", "--mode", "copy", "${input}", "${output}");
        String name = "marker-" + System.nanoTime() + ".txt";
        drop("copy", name, "marker");
        Await.until(name + " is done", END, () -> Files.exists(root.resolve("copy/done").resolve(name)));
    }

    private void profile(String id, String... args) {
        if (jdbc.queryForObject("SELECT COUNT(*) FROM cu_profile WHERE id = ?", Integer.class, id) == 0) {
            createProfile(id, 60, args);
        }
    }

    /** Through the worker's profiles API, as an operator would. */
    private void createProfile(String id, int timeoutSeconds, String... args) {
        try {
            Http.Response r = new Http("http://127.0.0.1:" + port + "/api/v1").bearer(ISSUER.tokens().admin())
                    .postJson("/profiles",
                    JSON.writeValueAsString(Map.of("id", id, "name", id, "executable", "sample-cu", "args", List.of(args),
                            "output", "out.dat", "timeoutSeconds", timeoutSeconds)));
            assertThat(r.status()).as("profile %s created: %s", id, r).isEqualTo(201);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the profile's in/ (the worker makes it) and writes the file there. */
    private void drop(String profileId, String name, String content) throws IOException {
        Path in = root.resolve(profileId).resolve("in");
        Await.until(profileId + "/in/ exists", END, () -> Files.isDirectory(in));
        Files.writeString(in.resolve(name), content);
    }

    /** The reports of the job(s) of one input name, waiting until the last of them has {@code status}. */
    private static List<JsonNode> awaitReports(String inputName, String status) {
        Await.until("a " + status + " report for " + inputName, END, () -> reportsFor(inputName).stream()
                .anyMatch(r -> r.path("status").asText().equals(status)));
        return reportsFor(inputName);
    }

    private static List<JsonNode> reportsFor(String inputName) {
        return reports.stream().filter(r -> r.path("inputName").asText().equals(inputName)).toList();
    }

    private int lockRows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM cu_dropin_lock", Integer.class);
    }

    private static List<String> listing(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
