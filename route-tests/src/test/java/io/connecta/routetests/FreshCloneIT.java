package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connecta as a newcomer meets it: the repository is copied to a fresh folder (the files a clone would have: tracked
 * and not ignored; no target/, no var/), and the README's commands run there exactly as printed, with no
 * {@code CONNECTA_*} variable set. Ports 8080, 8081, 8083 and 61616 must be free.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshCloneIT {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Http FE = new Http("http://127.0.0.1:8080/api/fe/v1");
    static Path clone;
    static String readme;

    @BeforeAll
    static void cloneTheWorkingTree() throws Exception {
        clone = Files.createTempDirectory("connecta-fresh-clone");
        ProcessResult files = run(ROOT, "git ls-files -z --cached --others --exclude-standard", Map.of(), 60);
        for (String file : files.output().split("\0")) {
            Path source = ROOT.resolve(file);
            if (!file.isEmpty() && Files.isRegularFile(source)) {
                Path target = clone.resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        readme = Files.readString(clone.resolve("README.md"));
    }

    /** Each test starts from nothing running, whatever the one before left. */
    @BeforeEach
    void nothingRuns() throws Exception {
        run(clone, "./connecta down", Map.of(), 180);
    }

    @AfterAll
    static void down() throws Exception {
        if (clone != null) {
            run(clone, "./connecta down", Map.of(), 180);
        }
    }

    @Test
    @Order(1)
    void readmeRunCommandAndQuickStartWorkAsPrintedThenDownStopsEverything() throws Exception {
        List<String> runBlock = commands(block("run"));
        assertThat(runBlock).as("the README's run block: up, then down").hasSize(2);
        String up = runBlock.get(0);
        String down = runBlock.get(1);
        assertThat(up).isEqualTo("./connecta up");

        ProcessResult started = run(clone, up, Map.of(), 900);
        assertThat(started.exit()).as("%s on a fresh clone:\n%s", up, started.output()).isZero();
        assertThat(started.output()).contains("Connecta is up", "http://127.0.0.1:8080/api/fe/v1");
        List<Long> pids = pids();
        assertThat(pids).as("orchestrator and one CU worker run").hasSize(2);

        ProcessResult quickStart = run(clone, block("quickstart"), Map.of(), 300);
        assertThat(quickStart.exit()).as("quick start:\n%s", quickStart.output()).isZero();
        assertThat(quickStart.output()).as("the worker is listed UP").contains("\"status\":\"UP\"");
        assertThat(quickStart.output()).as("the profile comes back").contains("\"id\":\"upper\"");
        assertThat(quickStart.output()).as("the job's output").contains("HELLO FROM THE QUICK START");
        assertThat(block("quickstart")).as("the quick start gets its token from ./connecta token").contains("./connecta token");

        ProcessResult stopped = run(clone, down, Map.of(), 180);
        assertThat(stopped.exit()).as("%s:\n%s", down, stopped.output()).isZero();
        assertThat(stopped.output()).as("stopped, not killed").doesNotContain("killed");
        assertThat(pids).as("both apps are gone").noneMatch(FreshCloneIT::alive);
    }

    @Test
    @Order(2)
    void brokenStartFailsFastWithTheLogTailAndLeavesNothingRunning() throws Exception {
        // a heap size without its unit: the JVM refuses to start
        long started = System.nanoTime();
        ProcessResult broken = run(clone, "./connecta up", Map.of("CONNECTA_JAVA_OPTS", "-Xmx512"), 120);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(broken.exit()).as("a broken start fails:\n%s", broken.output()).isNotZero();
        assertThat(took).as("it fails fast, not after the start timeout").isLessThan(Duration.ofSeconds(20));
        assertThat(broken.output()).as("with the end of the log that says why")
                .contains("exited during start-up", "Too small maximum heap");
        Matcher startedPids = Pattern.compile("\\(pid (\\d+)").matcher(broken.output());
        List<Long> pids = new ArrayList<>();
        while (startedPids.find()) {
            pids.add(Long.parseLong(startedPids.group(1)));
        }
        assertThat(pids).as("it had started the apps").hasSize(2);
        Await.until("nothing it started is left running", Duration.ofSeconds(30),
                () -> pids.stream().noneMatch(FreshCloneIT::alive));
    }

    @Test
    @Order(3)
    void localClusterOfTwoWorkersSharesOneDatabaseAndBothRunJobs() throws Exception {
        ProcessResult started = run(clone, "./connecta up --workers 2", Map.of(), 600);
        assertThat(started.exit()).as("up --workers 2:\n%s", started.output()).isZero();
        ProcessResult status = run(clone, "./connecta status", Map.of(), 30);
        assertThat(status.output()).as("status lists both workers")
                .contains("cu-worker running", "port 8081", "cu-worker-2 running", "port 8083", "orchestrator running");
        List<Long> pids = pids();
        assertThat(pids).hasSize(3);
        // the dev admin's token from the dev issuer of the orchestrator that ./connecta up started
        Http fe = FE.bearer(new DevTokens("http://127.0.0.1:8080").admin());

        Http.Response created = fe.postJson("/worker-types/cu/profiles", """
                {"id":"cluster","name":"Cluster","executable":"sample-cu","args":["--mode","upper","${input}","${output}"],\
                "output":"out.dat","timeoutSeconds":60}""");
        assertThat(created.status()).as("created through the orchestrator: %s", created).isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            Http.Response read = fe.get("/worker-types/cu/profiles/cluster");
            assertThat(read.status()).as("read %d through the passthrough (round robin over both workers)", i)
                    .isEqualTo(200);
        }

        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Http.Response submitted = fe.send(fe.request("/jobs?workerType=cu&profileId=cluster&filename=in.txt")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("job " + i + "\n")));
            assertThat(submitted.status()).as("submit %d: %s", i, submitted).isEqualTo(202);
            jobIds.add(submitted.json().path("jobId").asText());
        }
        Set<String> workers = new HashSet<>();
        for (int i = 0; i < jobIds.size(); i++) {
            String jobId = jobIds.get(i);
            Await.until("job " + jobId + " ends", Duration.ofSeconds(120),
                    () -> !Set.of("PENDING", "QUEUED", "RUNNING").contains(fe.get("/jobs/" + jobId).json().path("status").asText()));
            JsonNode job = fe.get("/jobs/" + jobId).json();
            assertThat(job.path("status").asText()).as("job %s: %s", jobId, job).isEqualTo("SUCCEEDED");
            assertThat(fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("JOB " + i + "\n");
            workers.add(job.path("workerInstanceId").asText());
        }
        assertThat(workers).as("both workers ran some of the 20 jobs").hasSize(2);

        ProcessResult stopped = run(clone, "./connecta down", Map.of(), 180);
        assertThat(stopped.exit()).isZero();
        assertThat(pids).as("all three apps are gone").noneMatch(FreshCloneIT::alive);
    }

    /** The body of the README's bash block between {@code <!-- name:begin -->} and {@code <!-- name:end -->}. */
    static String block(String name) {
        Matcher m = Pattern.compile("<!-- " + name + ":begin -->\\s*```bash\\n(.*?)```\\s*<!-- " + name + ":end -->",
                Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README has a %s block", name).isTrue();
        return m.group(1);
    }

    /** The commands of a block, without comments. */
    static List<String> commands(String block) {
        return block.lines().map(line -> line.replaceAll("\\s+#.*$", "").trim())
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    static List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        Path run = clone.resolve("var/run");
        if (Files.isDirectory(run)) {
            try (var files = Files.list(run)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    pids.add(Long.parseLong(Files.readString(f).trim()));
                }
            }
        }
        return pids;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Runs a bash script in a folder with the environment of a newcomer: no CONNECTA_* variable but those given. */
    static ProcessResult run(Path dir, String script, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(name -> name.startsWith("CONNECTA_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("finished in time: %s", script).isTrue();
        return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record ProcessResult(int exit, String output) { }
}
