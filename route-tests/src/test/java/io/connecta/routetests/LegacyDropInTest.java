package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Await;
import io.connecta.common.test.PostgresDatabase;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy set-ups with the whole system: two CU workers sharing one PostgreSQL database and one drop-in folder, the
 * orchestrator recording their DROP_IN jobs, and file-reference jobs over JMS on the shared root.
 */
class LegacyDropInTest {

    static final Duration END = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static JobSystem system;
    static ConfigurableApplicationContext cu1;
    static ConfigurableApplicationContext cu2;
    static Path dropIn;
    static Path shared;

    @BeforeAll
    static void start() throws IOException {
        String db = PostgresDatabase.recreate("connecta_legacy_dropin_test");
        system = new JobSystem("legacy", Map.of(), false);
        Map<String, Object> cu = new HashMap<>(system.cuProperties());
        cu.put("connecta.cu.dropin.poll-delay-ms", 200);
        cu.put("connecta.cu.dropin.folders-period-ms", 500);
        cu.put("connecta.cu.dropin.read-lock.check-interval-ms", 200);
        cu.put("connecta.cu.dropin.read-lock.min-age-ms", 1000);
        cu1 = Apps.cu("legacy-cu-1", db, system.orchestratorPort, cu);
        cu2 = Apps.cu("legacy-cu-2", db, system.orchestratorPort, cu);
        Await.until("both CU workers are UP", () -> system.fe.get("/workers").body().split("\"UP\"", -1).length == 3);
        system.createProfile("upper", "[\"--mode\",\"upper\",\"${input}\",\"${output}\"]", 60);
        dropIn = system.varDir.resolve("dropin");
        shared = Files.createDirectories(system.varDir.resolve("shared"));
        Await.until("the workers made upper/in/", () -> Files.isDirectory(dropIn.resolve("upper/in")));
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {cu1, cu2}) {
            if (c != null) {
                c.close();
            }
        }
        system.close();
    }

    @Test
    void fiftyFilesDroppedForTwoWorkersAreEachProcessedExactlyOnce() throws IOException {
        Path staging = Files.createDirectories(system.varDir.resolve("staging"));
        for (int i = 0; i < 50; i++) {
            // the recommended way: write elsewhere, then move in
            Path file = Files.writeString(staging.resolve("bulk-" + i + ".txt"), "bulk file number " + i + "\n");
            Files.move(file, dropIn.resolve("upper/in").resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }

        Await.until("50 bulk inputs are in done/", Duration.ofMinutes(3),
                () -> names(dropIn.resolve("upper/done")).stream().filter(n -> n.startsWith("bulk-")).count() == 50);
        JdbcTemplate orchestratorDb = system.orchestrator.getBean(JdbcTemplate.class);
        Await.until("the orchestrator has 50 bulk DROP_IN jobs SUCCEEDED", END, () -> orchestratorDb.queryForObject(
                "SELECT COUNT(*) FROM job WHERE origin = 'DROP_IN' AND input_name LIKE 'bulk-%' AND state = 'SUCCEEDED'",
                Integer.class) == 50);

        assertThat(orchestratorDb.queryForObject("SELECT COUNT(*) FROM job WHERE origin = 'DROP_IN'"
                + " AND input_name LIKE 'bulk-%'", Integer.class)).as("exactly one job per file").isEqualTo(50);
        assertThat(orchestratorDb.queryForObject("SELECT COUNT(DISTINCT input_name) FROM job WHERE origin = 'DROP_IN'"
                + " AND input_name LIKE 'bulk-%'", Integer.class)).as("every file has its job").isEqualTo(50);
        assertThat(names(dropIn.resolve("upper/done"))).as("each input moved to done/ once, under its own name")
                .filteredOn(n -> n.startsWith("bulk-")).hasSize(50).allMatch(n -> n.matches("bulk-\\d+\\.txt"));
        assertThat(names(dropIn.resolve("upper/error"))).as("no file failed").isEmpty();
        assertThat(names(dropIn.resolve("upper/in"))).as("nothing is left in in/").isEmpty();
        for (int i = 0; i < 50; i++) {
            assertThat(Files.readString(dropIn.resolve("upper/out/bulk-" + i + ".txt")))
                    .as("output of bulk-%d", i).isEqualTo("BULK FILE NUMBER " + i + "\n");
        }
        long byCu1 = Apps.exchanges(cu1, "dropin");
        long byCu2 = Apps.exchanges(cu2, "dropin");
        System.out.printf("drop-in split between the workers: legacy-cu-1 %d, legacy-cu-2 %d%n", byCu1, byCu2);
        Await.until("every drop-in lock is released", END, () -> cu1.getBean(JdbcTemplate.class)
                .queryForObject("SELECT COUNT(*) FROM cu_dropin_lock", Integer.class) == 0);
    }

    @Test
    void dropInJobIsListedWithOriginDropInAndItsFinalState() throws IOException {
        Files.writeString(dropIn.resolve("upper/in/listed.txt"), "list me");

        try {
            Await.until("listed.txt's job is SUCCEEDED in GET /jobs", END, () -> listedJob("listed.txt") != null
                    && listedJob("listed.txt").path("status").asText().equals("SUCCEEDED"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; GET /jobs: " + system.fe.get("/jobs?workerType=cu&limit=500"), e);
        }
        JsonNode job = listedJob("listed.txt");
        assertThat(job.path("origin").asText()).as("a worker's own job").isEqualTo("DROP_IN");
        assertThat(job.path("workerType").asText()).isEqualTo("cu");
        assertThat(job.path("profileId").asText()).isEqualTo("upper");
        assertThat(job.path("workerInstanceId").asText()).startsWith("legacy-cu-");
        assertThat(Files.readString(dropIn.resolve("upper/out/listed.txt"))).isEqualTo("LIST ME");
    }

    @Test
    void fileReferenceJobSucceedsWithItsOutputBesideItsInput() throws Exception {
        Files.createDirectories(shared.resolve("orders"));
        Files.writeString(shared.resolve("orders/order-1.txt"), "order one");

        system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"upper\",\"file\":\"orders/order-1.txt\"}",
                "connecta.replies.legacy");

        JsonNode result = reply("connecta.replies.legacy");
        assertThat(result.path("status").asText()).as("result %s", result).isEqualTo("SUCCEEDED");
        assertThat(Files.readString(shared.resolve("orders/order-1.txt.out"))).as("the output lies beside the input")
                .isEqualTo("ORDER ONE");
        assertThat(Files.readString(shared.resolve("orders/order-1.txt"))).as("the input is left as it was")
                .isEqualTo("order one");
        assertThat(system.job(result.path("jobId").asText()).path("inputFile").asText()).isEqualTo("orders/order-1.txt");
    }

    @Test
    void pathsLeavingTheSharedRootAreRefusedAndNothingOutsideIsReadOrWritten() throws Exception {
        Path marker = Files.writeString(system.varDir.resolve("outside.txt"), "marker outside the root");
        long markerModified = Files.getLastModifiedTime(marker).toMillis();

        // the orchestrator refuses '..' and absolute paths before any worker sees them
        for (String file : List.of("../outside.txt", "/etc/passwd", "a/../../x")) {
            system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"upper\",\"file\":\"" + file + "\"}", null);
            Message invalid = system.receive(JobQueues.INVALID, END);
            assertThat(invalid).as("%s is refused", file).isNotNull();
            assertThat(((TextMessage) invalid).getText()).as("the refused request, unchanged").contains(file);
            assertThat(invalid.getStringProperty(JobQueues.REASON_HEADER)).as("the reason for %s", file)
                    .contains("relative path inside the shared root");
        }

        // a link inside the root that points outside passes the orchestrator's check: the worker refuses it
        Files.createSymbolicLink(shared.resolve("sneaky.txt"), marker);
        system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"upper\",\"file\":\"sneaky.txt\"}",
                "connecta.replies.legacy-sneaky");
        JsonNode result = reply("connecta.replies.legacy-sneaky");
        assertThat(result.path("status").asText()).as("a link out of the root ends the job FAILED").isEqualTo("FAILED");
        assertThat(result.path("error").asText()).as("with a clear reason").contains("leads outside the shared root");

        assertThat(Files.readString(marker)).as("the marker outside the root is not overwritten")
                .isEqualTo("marker outside the root");
        assertThat(Files.getLastModifiedTime(marker).toMillis()).isEqualTo(markerModified);
        assertThat(shared.resolve("sneaky.txt.out")).as("nothing was read through the link into an output")
                .doesNotExist();
        assertThat(system.varDir.resolve("outside.txt.out")).as("nothing was written outside the root").doesNotExist();
        try (Stream<Path> files = Files.walk(system.varDir)) {
            assertThat(files.filter(f -> !f.startsWith(system.varDir.resolve("data")) && !f.equals(marker))
                    .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).map(LegacyDropInTest::read))
                    .as("no file the system wrote holds the marker's content")
                    .noneMatch(s -> s.toLowerCase().contains("marker outside the root"));
        }
    }

    private static JsonNode reply(String queue) throws Exception {
        Message reply = system.receive(queue, END);
        assertThat(reply).as("a result reached %s", queue).isNotNull();
        return JSON.readTree(((TextMessage) reply).getText());
    }

    private static JsonNode listedJob(String inputName) {
        for (JsonNode job : system.fe.get("/jobs?workerType=cu&limit=500").json().path("items")) {
            if (job.path("inputName").asText().equals(inputName)) {
                return job;
            }
        }
        return null;
    }

    private static List<String> names(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
