package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs through the whole system on the default local-folder blob store: REST and JMS in, the real CU, results back. */
class JobsEndToEndTest {

    static final Duration END = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static JobSystem system;

    @BeforeAll
    static void start() {
        system = new JobSystem("e2e", Map.of("connecta.cu.jobs.concurrent-consumers", 4), true);
        system.createProfile("upper", "[\"--mode\",\"upper\",\"${input}\",\"${output}\"]", 60);
        system.createProfile("fail3", "[\"--fail\",\"3\",\"--stderr\",\"disk on fire\",\"${input}\",\"${output}\"]", 60);
        system.createProfile("slow", "[\"--sleep\",\"30\",\"${input}\",\"${output}\"]", 1);
        system.createProfile("no-output", "[\"--mode\",\"copy\",\"${input}\",\"${workDir}/elsewhere.dat\"]", 60);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void restJobSucceedsWithTheExactOutputBytes() {
        byte[] input = "hello connecta\nsecond line ünïcode\n".getBytes(StandardCharsets.UTF_8);
        Http.Response accepted = system.submit("upper", input);
        assertThat(accepted.status()).as("submit: %s", accepted).isEqualTo(202);
        String jobId = accepted.json().path("jobId").asText();
        assertThat(accepted.header("Location")).isEqualTo("/api/fe/v1/jobs/" + jobId);
        assertThat(accepted.json().path("origin").asText()).isEqualTo("FE");

        JsonNode done = system.awaitEnd(jobId, END);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("profileVersion").asLong()).as("the worker reports the profile version it ran").isEqualTo(1);
        assertThat(done.path("inputBytes").asLong()).isEqualTo(input.length);
        assertThat(done.path("workerInstanceId").asText()).isEqualTo("e2e-cu");

        Http.Response result = system.fe.get("/jobs/" + jobId + "/result");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.raw().body().getBytes(StandardCharsets.UTF_8)).as("ASCII letters upper-cased, other bytes kept")
                .isEqualTo(asciiUpper(input));
    }

    @Test
    void jmsJobSucceedsAndTheResultGoesToJmsReplyTo() throws Exception {
        ProducerTemplate orchestrator = system.orchestrator.getBean(ProducerTemplate.class);
        orchestrator.sendBodyAndHeader(BlobStore.PUT, "from another system".getBytes(), BlobStore.BLOB_ID, "inbox/jms-1.txt");
        system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"upper\",\"blobId\":\"inbox/jms-1.txt\","
                + "\"correlationId\":\"order-42\"}", "connecta.replies.test");

        Message reply = system.receive("connecta.replies.test", END);
        assertThat(reply).as("a result reached the JMSReplyTo queue").isNotNull();
        assertThat(reply.getJMSCorrelationID()).isEqualTo("order-42");
        JsonNode result = JSON.readTree(((TextMessage) reply).getText());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        String jobId = result.path("jobId").asText();
        JsonNode job = system.job(jobId);
        assertThat(job.path("origin").asText()).isEqualTo("JMS");
        assertThat(job.path("correlationId").asText()).isEqualTo("order-42");
        assertThat(system.fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("FROM ANOTHER SYSTEM");
    }

    @Test
    void failingSlowAndSilentCusEndFailedWithTheirReasons() {
        String failed = system.submit("fail3", "x".getBytes()).json().path("jobId").asText();
        String slow = system.submit("slow", "x".getBytes()).json().path("jobId").asText();
        String silent = system.submit("no-output", "x".getBytes()).json().path("jobId").asText();

        JsonNode f = system.awaitEnd(failed, END);
        assertThat(f.path("status").asText()).isEqualTo("FAILED");
        assertThat(f.path("exitCode").asInt()).isEqualTo(3);
        assertThat(f.path("error").asText()).contains("exit code 3").contains("disk on fire");

        JsonNode s = system.awaitEnd(slow, END);
        assertThat(s.path("status").asText()).isEqualTo("FAILED");
        assertThat(s.path("error").asText()).contains("timed out");
        // the CU runs as a child of this JVM; its own child is the sleep
        Await.until("the timed-out CU left no process behind", Duration.ofSeconds(10), () ->
                ProcessHandle.current().descendants().noneMatch(p -> p.isAlive()
                        && p.info().commandLine().orElse("").contains("sleep 30")));

        JsonNode n = system.awaitEnd(silent, END);
        assertThat(n.path("status").asText()).isEqualTo("FAILED");
        assertThat(n.path("error").asText()).contains("no output file");

        Http ops = new Http("http://127.0.0.1:" + system.orchestratorPort);
        // the metrics take the operator login (the dev set-up's)
        String metrics = ops.send(ops.request("/actuator/prometheus").header("Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString("admin:connecta-dev".getBytes()))).body();
        assertThat(metrics).as("the failed job is counted with its outcome")
                .containsPattern("connecta_jobs_finished_total\\{[^}]*outcome=\"FAILED\"[^}]*profileId=\"fail3\"[^}]*} 1\\.0");
        assertThat(metrics).containsPattern("connecta_jobs_duration_seconds_count\\{[^}]*profileId=\"slow\"[^}]*} 1");

        Http.Response notYet = system.fe.get("/jobs/" + failed + "/result");
        assertThat(notYet.status()).as("a failed job has no result").isEqualTo(409);
        assertThat(notYet.contentType()).startsWith("application/problem+json");
    }

    @Test
    void poisonMessageLandsOnTheInvalidQueueWithItsReason() throws Exception {
        int before = system.jobRows();
        String poison = "{\"workerType\":\"cu\",\"profileId\":\"upper\"";
        system.send(JobQueues.SUBMIT, poison, null);
        Message invalid = system.receive(JobQueues.INVALID, END);
        assertThat(invalid).as("the poison message was not dropped").isNotNull();
        assertThat(((TextMessage) invalid).getText()).as("unchanged").isEqualTo(poison);
        assertThat(invalid.getStringProperty(JobQueues.REASON_HEADER)).contains("not a JSON job request");

        system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"nope\",\"blobId\":\"a/b\"}", null);
        Message unknownProfile = system.receive(JobQueues.INVALID, END);
        assertThat(unknownProfile.getStringProperty(JobQueues.REASON_HEADER)).contains("profile 'nope' does not exist");
        assertThat(system.jobRows()).as("no job recorded for invalid requests").isEqualTo(before);
    }

    @Test
    void badSubmissionsAreRefusedBeforeAnythingIsStored() throws Exception {
        int before = system.jobRows();
        long blobsBefore = blobCount();
        Http.Response unknownType = system.fe.send(system.fe.request("/jobs?workerType=gf&profileId=upper")
                .header("Content-Type", "application/octet-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));
        assertThat(unknownType.status()).isEqualTo(404);
        Http.Response unknownProfile = system.submit("nope", "x".getBytes());
        assertThat(unknownProfile.status()).isEqualTo(422);
        assertThat(unknownProfile.json().path("detail").asText()).contains("nope");
        Http.Response noProfile = system.fe.send(system.fe.request("/jobs?workerType=cu")
                .header("Content-Type", "application/octet-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));
        assertThat(noProfile.status()).isEqualTo(400);
        Http.Response wrongType = system.fe.send(system.fe.request("/jobs?workerType=cu&profileId=upper")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString("a=b")));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(system.jobRows()).isEqualTo(before);
        assertThat(blobCount()).as("no input stored").isEqualTo(blobsBefore);
        assertThat(system.fe.get("/jobs/not-a-uuid").status()).isEqualTo(404);
        assertThat(system.fe.get("/jobs?status=DONE").status()).isEqualTo(400);
    }

    static byte[] asciiUpper(byte[] in) {
        byte[] out = in.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'a' && out[i] <= 'z') {
                out[i] -= 32;
            }
        }
        return out;
    }

    private static long blobCount() throws Exception {
        java.nio.file.Path root = system.varDir.resolve("blobs");
        if (!java.nio.file.Files.exists(root)) {
            return 0;
        }
        try (var files = java.nio.file.Files.walk(root)) {
            // inputs only: outputs of earlier tests' jobs may still be arriving
            return files.filter(f -> f.getFileName().toString().equals("input")).count();
        }
    }

    @Test
    void idempotencyKeyReturnsTheFirstJob() {
        java.net.http.HttpRequest.Builder request = system.fe.request("/jobs?workerType=cu&profileId=upper")
                .header("Content-Type", "application/octet-stream").header("Idempotency-Key", "upload-7");
        Http.Response first = system.fe.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString("once")));
        int rows = system.jobRows();
        Http.Response second = system.fe.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString("once")));
        assertThat(second.json().path("jobId").asText()).isEqualTo(first.json().path("jobId").asText());
        assertThat(system.jobRows()).as("no second job").isEqualTo(rows);
    }

    @Test
    void hundredJobsSubmittedAtOnceAllFinishOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<String>> submissions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] input = ("job number " + i).getBytes();
            submissions.add(CompletableFuture.supplyAsync(() -> {
                Http.Response r = system.submit("upper", input);
                assertThat(r.status()).isEqualTo(202);
                return r.json().path("jobId").asText();
            }, pool));
        }
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<String> f : submissions) {
            ids.add(f.get());
        }
        pool.shutdown();
        assertThat(ids).as("100 distinct jobs").hasSize(100);
        for (String id : ids) {
            assertThat(system.awaitEnd(id, Duration.ofMinutes(3)).path("status").asText()).isEqualTo("SUCCEEDED");
        }
        JsonNode page = system.fe.get("/jobs?status=SUCCEEDED&limit=500").json();
        Set<String> listed = new HashSet<>();
        page.path("items").forEach(j -> listed.add(j.path("jobId").asText()));
        assertThat(listed).as("every job listed once as SUCCEEDED").containsAll(ids);
        Integer duplicates = system.orchestrator.getBean(org.springframework.jdbc.core.JdbcTemplate.class).queryForObject(
                "SELECT COUNT(*) - COUNT(DISTINCT job_id) FROM job", Integer.class);
        assertThat(duplicates).isZero();
    }
}
