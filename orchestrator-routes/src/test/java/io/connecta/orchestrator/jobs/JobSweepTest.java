package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobQueues;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.orchestrator.OrchestratorApplication;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper with short timeouts, on the embedded broker and H2: a QUEUED job whose dispatch message something else
 * consumed is dispatched again (attempt 2) and ends as its worker reports, or ends FAILED after the max attempts; a
 * RUNNING DROP_IN job of a worker that deregistered ends FAILED with the reason, and the running gauge goes down; a
 * RUNNING dispatched job of a worker that went away runs again on another worker and ends once.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/sweep-test-var",
                "connecta.jobs.queued-timeout=2s", "connecta.jobs.sweep-period-ms=300", "connecta.jobs.worker-grace=0s",
                "connecta.jms.max-deliveries=3"})
class JobSweepTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CamelContext camel;

    @Autowired
    BrokerService broker;

    final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM job");
        jdbc.update("DELETE FROM worker");
    }

    @Test
    void queuedJobWhoseDispatchWasConsumedElsewhereIsDispatchedAgainAndThenSucceeds() throws Exception {
        String jobId = submit();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).as("the first dispatch, taken by someone else").isOne();

        JsonNode again = takeDispatch(jobId);
        assertThat(again.path("attempt").asInt()).as("dispatched again with the next attempt").isEqualTo(2);
        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-other", 1L));

        Await.until("the job ends SUCCEEDED", () -> "SUCCEEDED".equals(state(jobId)));
        assertThat(row(jobId).get("attempt")).as("the real attempt count").isEqualTo(2);
    }

    @Test
    void queuedJobNoWorkerTakesEndsFailedAfterTheMaxAttempts() throws Exception {
        double failedBefore = finished("FAILED");
        String jobId = submit();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(takeDispatch(jobId).path("attempt").asInt()).isEqualTo(attempt);
        }

        Await.until("the job ends FAILED after 3 attempts", () -> "FAILED".equals(state(jobId)));
        Map<String, Object> row = row(jobId);
        assertThat(row.get("attempt")).isEqualTo(3);
        assertThat((String) row.get("error")).as("the reason").contains("no worker took the job", "3 of 3 attempts");
        // the sweeper records the metrics right after the row changes
        Await.until("a job that never ran leaves the running gauge at zero", () -> running() == 0
                && finished("FAILED") - failedBefore == 1.0);
    }

    @Test
    void runningDropInJobOfAWorkerThatDeregisteredEndsFailedWithTheReason() throws Exception {
        registerWorker("cu-w1");
        String jobId = UUID.randomUUID().toString();
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w1", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt"));
        Await.until("the drop-in job is RUNNING", () -> "RUNNING".equals(state(jobId)));
        Await.until("the running gauge counts it", () -> running() == 1);

        // what DELETE /api/be/v1/workers/cu-w1 does (the BE API routes are inlined into the REST DSL)
        jdbc.update("DELETE FROM worker WHERE instance_id = 'cu-w1'");

        Await.until("the job ends FAILED", () -> "FAILED".equals(state(jobId)));
        assertThat((String) row(jobId).get("error")).isEqualTo("worker cu-w1 went away while the job ran");
        Await.until("the running gauge goes down", () -> running() == 0);
    }

    @Test
    void runningJobOfAWorkerThatWentAwayIsDispatchedAgainAndEndsOnceWithTheGaugeBackDown() throws Exception {
        String jobId = submit();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).isOne();
        registerWorker("cu-w2");
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w2", 1L));
        Await.until("the job is RUNNING on cu-w2", () -> "RUNNING".equals(state(jobId)));
        Await.until("the running gauge counts it", () -> running() == 1);

        jdbc.update("DELETE FROM worker WHERE instance_id = 'cu-w2'");

        assertThat(takeDispatch(jobId).path("attempt").asInt()).as("dispatched again with the next attempt").isEqualTo(2);
        registerWorker("cu-w3");
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w3", 1L));
        Await.until("the job runs on cu-w3", () -> "cu-w3".equals(jdbc.queryForObject(
                "SELECT worker_instance_id FROM job WHERE job_id = ?", String.class, jobId)));
        assertThat(running()).as("the same job, counted once").isOne();
        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w3", 1L));
        Await.until("the job ends SUCCEEDED", () -> "SUCCEEDED".equals(state(jobId)));
        Await.until("the running gauge is back down", () -> running() == 0);

        // a late result of the first run (a worker thought gone, only cut off) changes nothing: the job ended once
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("job-results").whenDone(1).create();
        report(new ResultMessage(jobId, JobState.FAILED, null, 143, "killed", Instant.now(), Instant.now(), "cu-w2", 1L));
        assertThat(handled.matches(20, TimeUnit.SECONDS)).as("the late result was handled").isTrue();
        assertThat(state(jobId)).as("the late FAILED of the first run did not overwrite").isEqualTo("SUCCEEDED");
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
        assertThat(running()).isZero();
    }

    void registerWorker(String instanceId) {
        jdbc.update("INSERT INTO worker (instance_id, worker_type, base_url, version, lease_seconds, registered_at,"
                + " last_heartbeat) VALUES (?, 'cu', 'http://127.0.0.1:1', '1', 30, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP)", instanceId);
    }

    /** Sends the result as the CU workers' broker user (orchestrator-test.yml), as a worker would. */
    void report(ResultMessage result) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory("worker-cu", "worker-cu-test",
                "vm://" + broker.getBrokerName() + "?create=false").createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(JobQueues.RESULTS)).send(s.createTextMessage(json.writeValueAsString(result)));
        }
    }

    String submit() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/fe/v1/jobs?workerType=cu&profileId=copy"))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer " + new DevTokens("http://127.0.0.1:" + port).submitter())
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(202);
        return json.readTree(answer.body()).path("jobId").asText();
    }

    /** Takes the job's next dispatch message off its queue, as a stray consumer would. */
    JsonNode takeDispatch(String jobId) throws Exception {
        String body = consumer.receiveBody("activemq6:queue:" + JobQueues.dispatch("cu") + "?selector=jobId='" + jobId
                + "'", 20_000, String.class);
        assertThat(body).as("a dispatch message of job %s", jobId).isNotNull();
        return json.readTree(body);
    }

    String state(String jobId) {
        return jdbc.queryForList("SELECT state FROM job WHERE job_id = ?", String.class, jobId).stream().findFirst()
                .orElse(null);
    }

    Map<String, Object> row(String jobId) {
        return io.connecta.common.sql.Rows.caseInsensitive(
                jdbc.queryForMap("SELECT attempt, error FROM job WHERE job_id = ?", jobId));
    }

    double running() {
        return meters.get("connecta.jobs.running").tag("workerType", "cu").gauge().value();
    }

    double finished(String outcome) {
        return meters.find("connecta.jobs.finished").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
