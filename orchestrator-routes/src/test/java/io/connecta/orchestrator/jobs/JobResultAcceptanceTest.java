package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobQueues;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.sql.Rows;
import io.connecta.common.test.Await;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results as a worker credential can send them, forged and real (issue 11): a result moves a job only when it comes
 * from the worker instance that runs the job, names that job's own result blob, and is sent by a worker user of the
 * job's type; a drop-in job is recorded only for a registered instance of that type. Anything else lands on
 * {@code connecta.jobs.invalid} with the reason in {@code ConnectaReason}, and the job is unchanged.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/result-acceptance-test-var"})
class JobResultAcceptanceTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    BrokerService broker;

    @Autowired
    CamelContext camel;

    final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM job");
        jdbc.update("DELETE FROM worker");
        registerWorker("cu-w1", "cu");
        registerWorker("cu-w2", "cu");
    }

    @Test
    void aResultFromAnotherInstanceThanTheOneRunningTheJobIsParkedAsInvalid() throws Exception {
        String jobId = runningJob("cu-w1");
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test", succeeded(jobId, "cu-w2"));

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).as("the reason")
                .contains("runs on worker instance cu-w1", "cu-w2");
        assertUnchanged(jobId, "cu-w1");
    }

    @Test
    void aResultNamingAnotherJobsBlobIsParkedAsInvalid() throws Exception {
        String jobId = runningJob("cu-w1");
        String other = runningJob("cu-w2");
        ResultMessage forged = new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + other + "/output", 0, null,
                Instant.now(), Instant.now(), "cu-w1", 1L);
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test", forged);

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).as("the reason")
                .contains("jobs/" + other + "/output", "jobs/" + jobId + "/output");
        assertUnchanged(jobId, "cu-w1");
    }

    @Test
    void aResultWithAnArbitraryBlobIdIsParkedAsInvalid() throws Exception {
        String jobId = runningJob("cu-w1");
        ResultMessage forged = new ResultMessage(jobId, JobState.SUCCEEDED, "inbox/secret.txt", 0, null,
                Instant.now(), Instant.now(), "cu-w1", 1L);
        assertThat(sendExpectingInvalid("worker-cu", "worker-cu-test", forged).getStringProperty(JobQueues.REASON_HEADER))
                .contains("inbox/secret.txt");
        assertUnchanged(jobId, "cu-w1");
    }

    @Test
    void aResultOfAnUnknownJobIsParkedAsInvalid() throws Exception {
        String jobId = UUID.randomUUID().toString();
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test", succeeded(jobId, "cu-w1"));

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).contains("unknown job");
        assertThat(count(jobId)).as("no job recorded").isZero();
    }

    @Test
    void aResultSentByAUserThatIsNoWorkerOfTheJobsTypeIsParkedAsInvalid() throws Exception {
        String jobId = runningJob("cu-w1");
        // the orchestrator's own user may write everywhere, but it runs no jobs
        Message parked = sendExpectingInvalid("orchestrator", "orchestrator-test", succeeded(jobId, "cu-w1"));

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).contains("orchestrator", "workers-cu");
        assertUnchanged(jobId, "cu-w1");
    }

    @Test
    void aDropInResultOfAnUnregisteredInstanceIsParkedAsInvalid() throws Exception {
        String jobId = UUID.randomUUID().toString();
        ResultMessage forged = new ResultMessage(jobId, JobState.SUCCEEDED, null, 0, null, Instant.now(),
                Instant.now(), "rogue-1", 1L).workerStarted(JobOrigin.DROP_IN, "cu", "upper", "<script>x</script>");
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test", forged);

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).contains("rogue-1", "not a registered");
        assertThat(count(jobId)).as("no job recorded").isZero();
    }

    @Test
    void aDropInResultOfAnotherWorkerTypeIsParkedAsInvalid() throws Exception {
        registerWorker("fn-1", "functions");
        String jobId = UUID.randomUUID().toString();
        ResultMessage forged = new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null,
                "fn-1", 1L).workerStarted(JobOrigin.DROP_IN, "functions", "upper", "a.txt");
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test", forged);

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).contains("workers-functions");
        assertThat(count(jobId)).as("no job recorded").isZero();
    }

    @Test
    void aDropInResultClaimingADispatchedJobIsParkedAsInvalid() throws Exception {
        String jobId = runningJob("cu-w1");
        ResultMessage forged = new ResultMessage(jobId, JobState.SUCCEEDED, null, 0, null, Instant.now(),
                Instant.now(), "cu-w1", 1L).workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt");
        assertThat(sendExpectingInvalid("worker-cu", "worker-cu-test", forged)
                .getStringProperty(JobQueues.REASON_HEADER)).contains("not a drop-in job");
        assertUnchanged(jobId, "cu-w1");
    }

    @Test
    void theRealResultOfTheRunningInstanceMovesTheJob() throws Exception {
        String jobId = runningJob("cu-w1");
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output",
                0, null, Instant.now(), Instant.now(), "cu-w1", 1L), "real");

        Await.until("the job ends SUCCEEDED", () -> "SUCCEEDED".equals(row(jobId).get("state")));
        assertThat(row(jobId).get("result_blob_id")).isEqualTo("jobs/" + jobId + "/output");
    }

    @Test
    void aQueuedJobIsTakenByTheWorkerThatReportsItRunningAndOnlyThatOneEndsIt() throws Exception {
        String jobId = UUID.randomUUID().toString();
        insertJob(jobId, "QUEUED", 1, null);
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null,
                Instant.now(), null, "cu-w2", 1L), "running");
        Await.until("the job RUNNING on cu-w2", () -> "cu-w2".equals(row(jobId).get("worker_instance_id")));

        sendExpectingInvalid("worker-cu", "worker-cu-test", succeeded(jobId, "cu-w1"));
        assertUnchanged(jobId, "cu-w2");
    }

    @Test
    void aRegisteredDropInRunIsRecorded() throws Exception {
        String jobId = UUID.randomUUID().toString();
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null,
                Instant.now(), null, "cu-w1", 1L).workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt"), "dropin");
        Await.until("the drop-in job is RUNNING", () -> count(jobId) == 1 && "RUNNING".equals(row(jobId).get("state")));

        // another instance cannot end it
        sendExpectingInvalid("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.FAILED, null, 1, "x",
                Instant.now(), Instant.now(), "cu-w2", 1L).workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt"));
        assertThat(row(jobId).get("state")).isEqualTo("RUNNING");
    }

    @Test
    void theRunsRealAttemptRaisesTheJobsAttemptNeverLowersItAndRunningRecordsTheIncarnation() throws Exception {
        String jobId = UUID.randomUUID().toString();
        insertJob(jobId, "QUEUED", 1, null);
        String incarnation = UUID.randomUUID().toString();
        // the dispatch's attempt 1, delivered three times by the broker (two workers died with it)
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(),
                null, "cu-w1", 1L).ofRun(3, incarnation), "running");
        Await.until("the job RUNNING on cu-w1", () -> "RUNNING".equals(row(jobId).get("state")));
        assertThat(row(jobId).get("attempt")).as("the real count of runs").isEqualTo(3);
        assertThat(row(jobId).get("worker_incarnation")).as("the incarnation it runs under").isEqualTo(incarnation);

        send("worker-cu", "worker-cu-test", succeeded(jobId, "cu-w1").ofRun(2, incarnation), "succeeded");
        Await.until("the job ends SUCCEEDED", () -> "SUCCEEDED".equals(row(jobId).get("state")));
        assertThat(row(jobId).get("attempt")).as("a lower attempt never lowers the count").isEqualTo(3);
    }

    @Test
    void aRunningReportOfTheSameInstanceRestartedTakesTheJobUnderItsNewIncarnation() throws Exception {
        String jobId = runningJob("cu-w1");
        String before = UUID.randomUUID().toString();
        jdbc.update("UPDATE job SET worker_incarnation = ? WHERE job_id = ?", before, jobId);
        String after = UUID.randomUUID().toString();

        // the broker redelivered the job's dispatch to cu-w1 after its restart
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(),
                null, "cu-w1", 1L).ofRun(2, after.toUpperCase(java.util.Locale.ROOT)), "restarted");

        Await.until("the job runs under the new incarnation", () -> after.equals(row(jobId).get("worker_incarnation")));
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
        assertThat(row(jobId).get("state")).isEqualTo("RUNNING");
    }

    @Test
    void aLateRunningReportOfAnIncarnationTheWorkerNoLongerRunsUnderTakesNothingOver() throws Exception {
        String jobId = runningJob("cu-w1");
        String now = UUID.randomUUID().toString();
        jdbc.update("UPDATE job SET worker_incarnation = ?, attempt = 2 WHERE job_id = ?", now, jobId);
        jdbc.update("UPDATE worker SET incarnation = ? WHERE instance_id = 'cu-w1'", now);
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("job-results").whenDone(1).create();

        // the first run's report, delivered after the restarted worker took the job over
        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(),
                null, "cu-w1", 1L).ofRun(1, UUID.randomUUID().toString()), "stale");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).as("the report was handled").isTrue();
        assertThat(row(jobId).get("worker_incarnation")).as("the job stays with the worker's current run")
                .isEqualTo(now);
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
    }

    @Test
    void aRunningReportWithoutAnIncarnationLeavesTheRecordedOneAlone() throws Exception {
        String jobId = runningJob("cu-w1");
        String recorded = UUID.randomUUID().toString();
        jdbc.update("UPDATE job SET worker_incarnation = ? WHERE job_id = ?", recorded, jobId);
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("job-results").whenDone(1).create();

        send("worker-cu", "worker-cu-test", new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(),
                null, "cu-w1", 1L), "older-worker");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).as("the report was handled").isTrue();
        assertThat(row(jobId).get("worker_incarnation")).isEqualTo(recorded);
        assertThat(row(jobId).get("attempt")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"0, null, attempt", "-1, null, attempt", "1001, null, attempt",
            "2, not-a-uuid, workerIncarnation", "2, 0f8fad5b-d9cb-469f-a165-70867728950e; DROP TABLE job, workerIncarnation"})
    void aResultWithAnAttemptOutOfRangeOrAnIncarnationThatIsNoUuidIsParkedAsInvalid(Integer attempt,
                                                                                   String incarnation, String field)
            throws Exception {
        String jobId = runningJob("cu-w1");
        Message parked = sendExpectingInvalid("worker-cu", "worker-cu-test",
                succeeded(jobId, "cu-w1").ofRun(attempt, incarnation));

        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).as("the reason").contains(field);
        assertUnchanged(jobId, "cu-w1");
        assertThat(row(jobId).get("attempt")).isEqualTo(1);
        assertThat(row(jobId).get("worker_incarnation")).isNull();
    }

    ResultMessage succeeded(String jobId, String instance) {
        return new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), instance, 1L);
    }

    String runningJob(String instance) {
        String jobId = UUID.randomUUID().toString();
        insertJob(jobId, "RUNNING", 2, instance);
        return jobId;
    }

    void insertJob(String jobId, String state, int rank, String instance) {
        jdbc.update("INSERT INTO job (job_id, worker_type, profile_id, origin, state, state_rank, input_blob_id, attempt,"
                + " worker_instance_id, created_at, updated_at, started_at) VALUES (?, 'cu', 'upper', 'FE', ?, ?, ?, 1, ?,"
                + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", jobId, state, rank, "inbox/" + jobId, instance);
    }

    void registerWorker(String instanceId, String type) {
        jdbc.update("INSERT INTO worker (instance_id, worker_type, base_url, version, lease_seconds, registered_at,"
                + " last_heartbeat) VALUES (?, ?, 'http://127.0.0.1:1', '1', 30, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP)", instanceId, type);
    }

    void assertUnchanged(String jobId, String instance) {
        Map<String, Object> row = row(jobId);
        assertThat(row.get("state")).as("the job's state").isEqualTo("RUNNING");
        assertThat(row.get("worker_instance_id")).as("its worker").isEqualTo(instance);
        assertThat(row.get("result_blob_id")).as("its result").isNull();
    }

    Map<String, Object> row(String jobId) {
        return Rows.caseInsensitive(jdbc.queryForMap(
                "SELECT state, worker_instance_id, result_blob_id, attempt, worker_incarnation FROM job WHERE job_id = ?",
                jobId));
    }

    int count(String jobId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM job WHERE job_id = ?", Integer.class, jobId);
    }

    /** Sends the result as {@code user}, then takes it off the invalid queue (it must be there within 10 s). */
    Message sendExpectingInvalid(String user, String password, ResultMessage result) throws Exception {
        String testCase = UUID.randomUUID().toString();
        send(user, password, result, testCase);
        try (Connection c = connect("orchestrator", "orchestrator-test")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message parked = s.createConsumer(s.createQueue(JobQueues.INVALID), "testCase = '" + testCase + "'")
                    .receive(10_000);
            assertThat(parked).as("the forged result on %s", JobQueues.INVALID).isNotNull();
            assertThat(((TextMessage) parked).getText()).as("unchanged").isEqualTo(json.writeValueAsString(result));
            return parked;
        }
    }

    void send(String user, String password, ResultMessage result, String testCase) throws Exception {
        try (Connection c = connect(user, password)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage m = s.createTextMessage(json.writeValueAsString(result));
            m.setStringProperty("testCase", testCase);
            s.createProducer(s.createQueue(JobQueues.RESULTS)).send(m);
        }
    }

    Connection connect(String user, String password) throws JMSException {
        Connection c = new ActiveMQConnectionFactory(user, password,
                "vm://" + broker.getBrokerName() + "?create=false").createConnection();
        c.start();
        return c;
    }
}
