package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Idempotency-Key} of {@code POST /api/fe/v1/jobs} over real HTTP: the key is claimed before the upload is
 * stored, so parallel requests with one key make one job, one input blob and the same answer; the key reused for a
 * different request (profile, file name, body) answers 422 and stores nothing; a request that comes while the first
 * one with its key is still uploading (past {@code connecta.jobs.idempotency-wait-ms}) is answered 409, retry later.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/idempotency-test-var",
                // how long a repeated request waits for the first one's upload (the default is 30 s)
                "connecta.jobs.idempotency-wait-ms=3000"})
class JobIdempotencyTest {

    static final int SIZE = 512 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${connecta.var-dir}")
    Path varDir;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM job");
    }

    @Test
    void tenParallelUploadsWithOneKeyMakeOneJobOneBlobAndTheSameAnswer() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = JobUploadTest.pattern(SIZE);
        List<Path> blobsBefore = JobUploadTest.files(varDir.resolve("blobs"));
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return http.send(upload(key, "copy", "in.bin", body), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();

        List<String> jobIds = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).as("every request with the key is answered with the one job: %s",
                    response.body()).isEqualTo(202);
            jobIds.add(json.readTree(response.body()).path("jobId").asText());
        }
        assertThat(jobIds).as("the same job for all ten").hasSize(10).containsOnly(jobIds.get(0));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("one job row").isOne();
        List<Path> newBlobs = new ArrayList<>(JobUploadTest.files(varDir.resolve("blobs")));
        newBlobs.removeAll(blobsBefore);
        assertThat(newBlobs).as("exactly one input blob, the job's").hasSize(1)
                .allMatch(p -> p.endsWith(Path.of("jobs", jobIds.get(0), "input")));
    }

    @Test
    void sameKeyWithAnotherProfileIsRefusedWith422() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(http.send(upload(key, "copy", "in.txt", body), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(202);
        List<Path> blobsBefore = JobUploadTest.files(varDir.resolve("blobs"));

        HttpResponse<String> other = http.send(upload(key, "upper", "in.txt", body), HttpResponse.BodyHandlers.ofString());

        assertThat(other.statusCode()).as("the key was used for another profile: %s", other.body()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(other.body()).as("the detail names why").contains("Idempotency-Key", "profileId");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("still one job").isOne();
        assertThat(JobUploadTest.files(varDir.resolve("blobs"))).as("nothing stored").isEqualTo(blobsBefore);

        HttpResponse<String> otherName = http.send(upload(key, "copy", "other.txt", body),
                HttpResponse.BodyHandlers.ofString());
        assertThat(otherName.statusCode()).as("the key was used for another file name").isEqualTo(422);
        assertThat(otherName.body()).contains("filename");
    }

    @Test
    void sameKeyAndParametersWithAnotherBodyIsRefusedWith422AndLeavesNoBlob() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = http.send(upload(key, "copy", "in.txt", "hello".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(202);
        List<Path> blobsBefore = JobUploadTest.files(varDir.resolve("blobs"));

        HttpResponse<String> same = http.send(upload(key, "copy", "in.txt", "hello".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(same.statusCode()).as("the same request again answers the first job").isEqualTo(202);
        assertThat(json.readTree(same.body()).path("jobId").asText())
                .isEqualTo(json.readTree(first.body()).path("jobId").asText());

        HttpResponse<String> other = http.send(upload(key, "copy", "in.txt", "HELLO".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).as("the key was used for another body: %s", other.body()).isEqualTo(422);
        JsonNode problem = json.readTree(other.body());
        assertThat(problem.path("detail").asText()).as("the detail names why").contains("SHA-256");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("still one job").isOne();
        assertThat(JobUploadTest.files(varDir.resolve("blobs"))).as("no extra blob").isEqualTo(blobsBefore);
    }

    @Test
    void requestWhileTheFirstWithItsKeyIsStillUploadingIsAnswered409AndThenTheJob() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = JobUploadTest.pattern(SIZE);
        try (Socket first = new Socket("127.0.0.1", port)) {
            OutputStream out = first.getOutputStream();
            out.write(head(key).getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, SIZE / 2);
            out.flush();
            Await.until("the first upload has begun", () -> JobUploadTest.files(varDir.resolve("blobs")).stream()
                    .anyMatch(p -> p.getFileName().toString().contains("~")));

            HttpResponse<String> racing = http.send(upload(key, "copy", "in.bin", body), HttpResponse.BodyHandlers.ofString());
            assertThat(racing.statusCode()).as("the first request still uploads after the wait: retry later (%s)",
                    racing.body()).isEqualTo(409);
            assertThat(racing.body()).contains("still uploading");

            out.write(body, SIZE / 2, SIZE / 2);
            out.flush();
            String answer = JobUploadTest.readAnswer(first.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 202");
            String jobId = json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("jobId").asText();

            HttpResponse<String> retry = http.send(upload(key, "copy", "in.bin", body), HttpResponse.BodyHandlers.ofString());
            assertThat(retry.statusCode()).as("the retry answers the first job").isEqualTo(202);
            assertThat(json.readTree(retry.body()).path("jobId").asText()).isEqualTo(jobId);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("one job").isOne();
    }

    @Test
    void anUploadThatOutlivesItsClaimMakesNoSecondJobLeavesNoInputAndIsAnswered409() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] body = JobUploadTest.pattern(SIZE);
        String otherJob;
        try (Socket first = new Socket("127.0.0.1", port)) {
            OutputStream out = first.getOutputStream();
            out.write(head(key).getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, SIZE / 2);
            out.flush();
            Await.until("the first upload has begun", () -> JobUploadTest.files(varDir.resolve("blobs")).stream()
                    .anyMatch(p -> p.getFileName().toString().contains("~")));
            String firstJob = jdbc.queryForObject("SELECT job_id FROM job_key WHERE idempotency_key = ?", String.class,
                    key);
            // the claim outlived connecta.jobs.idempotency-claim-timeout: the sweeper removed it, another request
            // took the key and made its job
            jdbc.update("DELETE FROM job_key WHERE idempotency_key = ?", key);
            HttpResponse<String> other = http.send(upload(key, "copy", "in.bin", "hello".getBytes(StandardCharsets.UTF_8)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as("the key was free: %s", other.body()).isEqualTo(202);
            otherJob = json.readTree(other.body()).path("jobId").asText();

            out.write(body, SIZE / 2, SIZE / 2);
            out.flush();
            String answer = JobUploadTest.readAnswer(first.getInputStream());

            assertThat(answer).as("the late upload makes no job").startsWith("HTTP/1.1 409");
            assertThat(answer).contains("application/problem+json", "expired", "connecta.jobs.idempotency-claim-timeout",
                    "no job was made");
            assertThat(varDir.resolve("blobs").resolve("jobs").resolve(firstJob)).as("its input is removed")
                    .doesNotExist();
        }
        assertThat(jdbc.queryForList("SELECT job_id FROM job", String.class)).as("one job: the other request's")
                .containsExactly(otherJob);
        assertThat(jdbc.queryForMap("SELECT job_id, state FROM job_key WHERE idempotency_key = ?", key).values())
                .as("the other request's claim is untouched").containsExactly(otherJob, "RECORDED");
    }

    @Test
    void abandonedUploadFreesItsKeyForTheNextTry() throws Exception {
        String key = UUID.randomUUID().toString();
        try (Socket first = new Socket("127.0.0.1", port)) {
            OutputStream out = first.getOutputStream();
            out.write(head(key).getBytes(StandardCharsets.US_ASCII));
            out.write(JobUploadTest.pattern(SIZE / 2));
            out.flush();
            Await.until("the upload has begun", () -> JobUploadTest.files(varDir.resolve("blobs")).stream()
                    .anyMatch(p -> p.getFileName().toString().contains("~")));
        } // the client goes away half way
        Await.until("the abandoned upload's claim is removed", () -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM job_key WHERE idempotency_key = ?", Integer.class, key) == 0);

        HttpResponse<String> retry = http.send(upload(key, "copy", "in.bin", "hello".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(retry.statusCode()).as("the failed request left no claim behind: %s", retry.body()).isEqualTo(202);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).isOne();
    }

    String head(String key) {
        return "POST /api/fe/v1/jobs?workerType=cu&profileId=copy&filename=in.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token() + "\r\n"
                + "Content-Type: application/octet-stream\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + SIZE
                + "\r\n\r\n";
    }

    HttpRequest upload(String key, String profileId, String filename, byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/fe/v1/jobs?workerType=cu&profileId="
                        + profileId + "&filename=" + filename))
                .header("Content-Type", "application/octet-stream").header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A submitter's token of this orchestrator's dev issuer. */
    String token() {
        if (token == null) {
            token = new DevTokens("http://127.0.0.1:" + port).submitter();
        }
        return token;
    }

    private String token;
}
