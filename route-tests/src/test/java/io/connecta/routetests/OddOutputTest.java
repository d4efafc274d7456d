package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import io.connecta.common.test.PostgresDatabase;
import jakarta.jms.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, fault 3: whatever a CU or a worker reports is stored safely on PostgreSQL (which takes no NUL in text), and
 * a result the database cannot take still ends its job FAILED with the reason instead of leaving it RUNNING for ever.
 * The orchestrator runs on the machine's PostgreSQL.
 */
class OddOutputTest {

    static final Duration END = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static JobSystem system;

    @BeforeAll
    static void start() {
        String db = PostgresDatabase.recreate("connecta_rt_odd_output");
        system = new JobSystem("odd-output", db, Map.of(
                "connecta.jms.max-deliveries", 3,
                // the test CU that writes a NUL and invalid UTF-8 to stderr (also in cu-routes' cu-worker-test.yml)
                "connecta.cu.executables.bad-bytes.path", "cu-routes/src/test/resources/cu-exec/bad-bytes",
                "connecta.cu.executables.bad-bytes.positional[0]", "output"), true);
        Http cu = new Http(system.fe.request("").build().uri().toString() + "/worker-types/cu")
                .bearer(system.tokens.admin());
        Http.Response created = cu.postJson("/profiles", "{\"id\":\"bad-bytes\",\"name\":\"Bad bytes\","
                + "\"executable\":\"bad-bytes\",\"args\":[\"${output}\"],\"output\":\"out.dat\",\"timeoutSeconds\":60}");
        assertThat(created.status()).as("profile: %s", created).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void cuWritingNulAndInvalidUtf8ToStderrEndsFailedWithAReadableReason() {
        String jobId = system.submit("bad-bytes", "anything".getBytes()).json().path("jobId").asText();

        JsonNode done = system.awaitEnd(jobId, END);

        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("FAILED");
        assertThat(done.path("exitCode").asInt()).isEqualTo(3);
        assertThat(done.path("error").asText()).as("the reason: NUL as the text \\u0000, bytes that are not UTF-8 as U+FFFD")
                .isEqualTo("exit code 3 is not in successExitCodes [0]; stderr: bad bytes: \\u0000\ufffd\ufffd end");
        assertThat(errorRow(jobId)).as("stored as shown").isEqualTo(done.path("error").asText());
    }

    @Test
    void nulInAWorkersResultIsStoredEscaped() throws Exception {
        String jobId = UUID.randomUUID().toString();
        ObjectNode result = dropInResult(jobId, "FAILED").put("exitCode", 2)
                .put("error", "stderr: a\u0000b\u0007c").put("inputName", "in\u0000put.txt");

        system.send(JobQueues.RESULTS, JSON.writeValueAsString(result), null);

        Await.until("the job is recorded FAILED", END, () -> system.job(jobId).path("status").asText().equals("FAILED"));
        JsonNode job = system.job(jobId);
        assertThat(job.path("error").asText()).as("control characters as escapes, not as bytes PostgreSQL refuses")
                .isEqualTo("stderr: a\\u0000b\\u0007c");
        assertThat(job.path("inputName").asText()).isEqualTo("in\\u0000put.txt");
    }

    @Test
    void resultTheDatabaseCannotTakeStillEndsTheJobFailedWithTheReason() throws Exception {
        String jobId = UUID.randomUUID().toString();
        system.send(JobQueues.RESULTS, JSON.writeValueAsString(dropInResult(jobId, "RUNNING")), null);
        Await.until("the job is RUNNING", END, () -> system.job(jobId).path("status").asText().equals("RUNNING"));

        // a time PostgreSQL cannot store (beyond 294276 AD): it refuses the row, and no redelivery changes that. (A blob
        // id longer than its column no longer gets this far: a result names its own job's blob or none, issue 11.)
        ObjectNode unrecordable = dropInResult(jobId, "SUCCEEDED").put("exitCode", 0)
                .put("finishedAt", "+300000-01-01T00:00:00Z");
        system.send(JobQueues.RESULTS, JSON.writeValueAsString(unrecordable), null);

        Await.until("the job ends", END, () -> !system.job(jobId).path("status").asText().equals("RUNNING"));
        JsonNode job = system.job(jobId);
        assertThat(job.path("status").asText()).as("never RUNNING for ever: %s", job).isEqualTo("FAILED");
        assertThat(job.path("error").asText()).as("the reason says what happened")
                .startsWith("the worker's SUCCEEDED result could not be recorded: ").contains("out of range")
                .doesNotContain("UPDATE job");
        Message parked = system.receive(JobQueues.DEAD_LETTER, Duration.ofSeconds(10));
        assertThat(parked).as("the result message itself is parked for operators, not lost").isNotNull();
        assertThat(parked.getStringProperty("jobId")).isEqualTo(jobId);
    }

    /** A result of a job a worker started itself (drop-in): the first one to arrive records the job. */
    private static ObjectNode dropInResult(String jobId, String status) {
        return JSON.createObjectNode().put("jobId", jobId).put("status", status)
                .put("startedAt", "2026-01-01T00:00:00Z").put("finishedAt", status.equals("RUNNING") ? null : "2026-01-01T00:00:01Z")
                // the real worker's instance: a drop-in result of an instance that is not registered is refused
                .put("workerInstanceId", system.cu.getEnvironment().getProperty("connecta.worker.instance-id"))
                .put("origin", "DROP_IN").put("workerType", "cu")
                .put("profileId", "bad-bytes").put("inputName", "input.txt");
    }

    private static String errorRow(String jobId) {
        return system.orchestrator.getBean(JdbcTemplate.class)
                .queryForObject("SELECT error FROM job WHERE job_id = ?", String.class, jobId);
    }
}
