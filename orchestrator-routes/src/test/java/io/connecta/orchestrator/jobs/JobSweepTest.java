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
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper with short timeouts, on the embedded broker and H2: a QUEUED job whose dispatch message something else
 * consumed is dispatched again (attempt 2) and ends as its worker reports, or ends FAILED after the max attempts; a
 * RUNNING DROP_IN job of a worker that deregistered ends FAILED with the reason, and the running gauge goes down; a
 * RUNNING dispatched job of a worker that went away runs again on another worker and ends once. A worker that restarted
 * (registered under a new incarnation) loses its jobs the same way, unless the broker's redelivery of a run reports it
 * RUNNING under the new incarnation within the grace. Idempotency-Key claims still uploading past their timeout are
 * removed with the input they left.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/sweep-test-var",
                "connecta.jobs.queued-timeout=2s", "connecta.jobs.sweep-period-ms=300", "connecta.jobs.worker-grace=2s",
                "connecta.jms.max-deliveries=3", "connecta.jobs.idempotency-claim-timeout=10m"})
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

    @Autowired
    ProducerTemplate producer;

    final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @Value("${connecta.var-dir}")
    Path varDir;

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM job");
        jdbc.update("DELETE FROM worker");
        jdbc.update("DELETE FROM job_key");
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

    @Test
    void runningDropInJobOfAWorkerThatRestartedEndsFailedWithTheReason() throws Exception {
        String before = UUID.randomUUID().toString();
        registerWorker("cu-w4", before);
        String jobId = UUID.randomUUID().toString();
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w4", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt").ofRun(1, before));
        Await.until("the drop-in job is RUNNING", () -> "RUNNING".equals(state(jobId)));
        Await.until("the running gauge counts it", () -> running() == 1);

        assertThat(restart("cu-w4").statusCode()).as("the restarted worker registers").isEqualTo(200);

        Await.until("the job ends FAILED", () -> "FAILED".equals(state(jobId)));
        assertThat((String) row(jobId).get("error"))
                .isEqualTo("worker cu-w4 restarted while the job ran; the file runs again as a new job");
        Await.until("the running gauge goes down", () -> running() == 0);
    }

    @Test
    void runningJobOfAWorkerThatRestartedIsDispatchedAgainAndEndsOnce() throws Exception {
        String jobId = submit();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).isOne();
        String before = UUID.randomUUID().toString();
        registerWorker("cu-w5", before);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w5", 1L)
                .ofRun(1, before));
        Await.until("the job is RUNNING under the first incarnation", () -> before.equals(row(jobId).get("worker_incarnation")));

        // killed and started again: the broker had no uncommitted dispatch to hand back (a broker without persistence)
        String after = UUID.randomUUID().toString();
        assertThat(restart("cu-w5", after).statusCode()).isEqualTo(200);

        assertThat(takeDispatch(jobId).path("attempt").asInt()).as("dispatched again with the next attempt").isEqualTo(2);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w5", 1L)
                .ofRun(2, after));
        Await.until("the job runs under the new incarnation", () -> after.equals(row(jobId).get("worker_incarnation")));
        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w5", 1L).ofRun(2, after));
        Await.until("the job ends SUCCEEDED", () -> "SUCCEEDED".equals(state(jobId)));
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
        Await.until("the running gauge is back down", () -> running() == 0);
    }

    @Test
    void theBrokersRedeliveryToTheRestartedWorkerWithinTheGraceWinsOverTheSweeper() throws Exception {
        String jobId = submit();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).isOne();
        String before = UUID.randomUUID().toString();
        registerWorker("cu-w6", before);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w6", 1L)
                .ofRun(1, before));
        Await.until("the job is RUNNING", () -> before.equals(row(jobId).get("worker_incarnation")));
        // the job ran for an hour before its worker was killed
        jdbc.update("UPDATE job SET updated_at = ? WHERE job_id = ?", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1),
                jobId);

        String after = UUID.randomUUID().toString();
        NotifyBuilder meanwhile = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(2).create();
        assertThat(restart("cu-w6", after).statusCode()).isEqualTo(200);
        assertThat(meanwhile.matches(30, TimeUnit.SECONDS)).as("the sweeper ran before the redelivery came").isTrue();
        // the broker hands the uncommitted dispatch to the restarted worker (its second delivery: attempt 2)
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w6", 1L)
                .ofRun(2, after));
        Await.until("the job runs under the new incarnation", () -> after.equals(row(jobId).get("worker_incarnation")));

        // sweeps on until well past the grace (2 s) of the restart
        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(12).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(consumer.receiveBody("activemq6:queue:" + JobQueues.dispatch("cu") + "?selector=jobId='" + jobId
                + "'", 500, String.class)).as("no second dispatch").isNull();
        assertThat(state(jobId)).isEqualTo("RUNNING");
        assertThat(row(jobId).get("worker_instance_id")).isEqualTo("cu-w6");
        assertThat(row(jobId).get("attempt")).as("the real count: the broker's redelivery").isEqualTo(2);

        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w6", 1L).ofRun(2, after));
        Await.until("the job ends SUCCEEDED, once", () -> "SUCCEEDED".equals(state(jobId)) && running() == 0);
    }

    @Test
    void theJobAGracefullyStoppingWorkerHandsBackGoesToAnotherWorkerNotToASecondDispatch() throws Exception {
        String jobId = submit();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).isOne();
        registerWorker("cu-w9", null);
        registerWorker("cu-w10", null);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w9", 1L));
        Await.until("the job is RUNNING on cu-w9", () -> "cu-w9".equals(row(jobId).get("worker_instance_id")));
        // the job ran for an hour before its worker was stopped
        jdbc.update("UPDATE job SET updated_at = ? WHERE job_id = ?", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1),
                jobId);

        NotifyBuilder meanwhile = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(2).create();
        assertThat(deregister("cu-w9").statusCode()).as("the stopping worker deregisters").isEqualTo(204);
        assertThat(meanwhile.matches(30, TimeUnit.SECONDS)).as("the sweeper ran before the redelivery came").isTrue();
        // the broker hands the dispatch the stopping worker rolled back to cu-w10 (its second delivery)
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w10", 1L)
                .ofRun(2, null));
        Await.until("the job runs on cu-w10", () -> "cu-w10".equals(row(jobId).get("worker_instance_id")));

        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(12).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(consumer.receiveBody("activemq6:queue:" + JobQueues.dispatch("cu") + "?selector=jobId='" + jobId
                + "'", 500, String.class)).as("no second dispatch").isNull();
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w10", 1L).ofRun(2, null));
        Await.until("the job ends SUCCEEDED, once", () -> "SUCCEEDED".equals(state(jobId)) && running() == 0);
    }

    @Test
    void theDispatchAStoppingWorkerHandedBackIsNotSentAgainWhileItWaitsInLinePastTheGrace() throws Exception {
        String jobId = submit();
        JsonNode first = takeDispatch(jobId);
        registerWorker("cu-w11", null);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w11", 1L));
        Await.until("the job is RUNNING on cu-w11", () -> "cu-w11".equals(row(jobId).get("worker_instance_id")));
        // the stopping worker rolls its delivery back: the dispatch is on the queue again, and waits there because
        // every consumer is busy with a long job
        producer.sendBodyAndHeader("activemq6:queue:" + JobQueues.dispatch("cu"), json.writeValueAsString(first),
                "jobId", jobId);
        assertThat(deregister("cu-w11").statusCode()).isEqualTo(204);

        // well past the grace (2 s) and the queued timeout (2 s) of the released job
        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(20).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(row(jobId).get("attempt")).as("never dispatched again").isEqualTo(1);
        assertThat(row(jobId).get("worker_instance_id")).as("waiting for its next worker").isNull();
        assertThat(waiting(jobId)).as("one dispatch of the job on the queue").isOne();

        // the worker the broker hands it to takes it
        assertThat(takeDispatch(jobId).path("attempt").asInt()).as("the handed-back dispatch").isOne();
        registerWorker("cu-w12", null);
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w12", 1L)
                .ofRun(2, null));
        Await.until("the job runs on cu-w12", () -> "cu-w12".equals(row(jobId).get("worker_instance_id")));
        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w12", 1L).ofRun(2, null));
        Await.until("the job ends SUCCEEDED, once", () -> "SUCCEEDED".equals(state(jobId)) && running() == 0);
    }

    @Test
    void aQueuedJobWaitingBehindABacklogPastTheQueuedTimeoutIsNotDispatchedAgain() throws Exception {
        String jobId = submit();
        Await.until("the job is QUEUED", () -> "QUEUED".equals(state(jobId)));

        // well past the queued timeout (2 s): no worker took the job, its dispatch waits in line
        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(20).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(state(jobId)).as("still waiting, not ended").isEqualTo("QUEUED");
        assertThat(row(jobId).get("attempt")).as("never dispatched again").isEqualTo(1);
        assertThat(waiting(jobId)).as("one dispatch of the job on the queue").isOne();
        assertThat(takeDispatch(jobId).path("attempt").asInt()).as("its one dispatch").isOne();
        // its next dispatch (the one just taken is gone now) would end it FAILED in some later test
        jdbc.update("DELETE FROM job WHERE job_id = ?", jobId);
    }

    @Test
    void afterAFailedSweepASilentWorkerGetsItsLeaseAndTheGraceForItsHeartbeatBeforeItsJobIsTakenForLost()
            throws Exception {
        String back = submit();
        String gone = submit();
        takeDispatch(back);
        takeDispatch(gone);
        registerWorker("cu-w13", null);
        registerWorker("cu-w14", null);
        report(new ResultMessage(back, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w13", 1L));
        report(new ResultMessage(gone, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w14", 1L));
        Await.until("both jobs are RUNNING", () -> "cu-w13".equals(row(back).get("worker_instance_id"))
                && "cu-w14".equals(row(gone).get("worker_instance_id")));

        // the database away for the sweeper (and for the heartbeats): its lock table is gone for a while
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("job-sweep").whenFailed(2).create();
        jdbc.execute("ALTER TABLE sweep_lock RENAME TO sweep_lock_away");
        try {
            assertThat(failed.matches(30, TimeUnit.SECONDS)).as("sweeps failed").isTrue();
            // no heartbeat got through for an hour; leases of 3 s
            jdbc.update("UPDATE worker SET last_heartbeat = ?, lease_seconds = 3",
                    OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));
        } finally {
            jdbc.execute("ALTER TABLE sweep_lock_away RENAME TO sweep_lock");
        }

        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(3).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper runs again").isTrue();
        assertThat(row(back).get("worker_instance_id")).as("not yet lost: the heartbeat may be on its way")
                .isEqualTo("cu-w13");
        assertThat(row(gone).get("worker_instance_id")).as("not yet lost: the heartbeat may be on its way")
                .isEqualTo("cu-w14");
        assertThat(row(gone).get("attempt")).isEqualTo(1);

        // cu-w13's heartbeat gets through; cu-w14 stays silent past its lease and the grace (5 s)
        jdbc.update("UPDATE worker SET last_heartbeat = ?, lease_seconds = 60 WHERE instance_id = 'cu-w13'",
                OffsetDateTime.now(ZoneOffset.UTC));
        assertThat(takeDispatch(gone).path("attempt").asInt()).as("the silent worker's job is dispatched again")
                .isEqualTo(2);
        assertThat(row(back).get("worker_instance_id")).as("the worker that was heard again keeps its job")
                .isEqualTo("cu-w13");
        assertThat(row(back).get("attempt")).isEqualTo(1);

        // both end, so the running gauge is back down for the next test
        report(new ResultMessage(back, JobState.SUCCEEDED, "jobs/" + back + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w13", 1L));
        report(new ResultMessage(gone, JobState.SUCCEEDED, "jobs/" + gone + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-w13", 1L).ofRun(2, null));
        Await.until("both end SUCCEEDED, once", () -> "SUCCEEDED".equals(state(back))
                && "SUCCEEDED".equals(state(gone)) && running() == 0);
    }

    @Test
    void aLateRunningReportOfAnEarlierDeliveryDoesNotTakeTheJobBackAndTheLaterRunEndsIt() throws Exception {
        String jobId = submit();
        takeDispatch(jobId);
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        registerWorker("cu-a1", first);
        registerWorker("cu-b2", second);
        // the broker handed the dispatch to cu-b2 (its second delivery), which reports first
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-b2", 1L)
                .ofRun(2, second));
        Await.until("RUNNING on cu-b2", () -> "cu-b2".equals(row(jobId).get("worker_instance_id")));

        // cu-a1's RUNNING of the first delivery, sent late (held by the failover transport during a blip)
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("job-results").whenDone(1).create();
        report(new ResultMessage(jobId, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-a1", 1L)
                .ofRun(1, first));
        assertThat(handled.matches(20, TimeUnit.SECONDS)).as("the late report was handled").isTrue();
        assertThat(row(jobId).get("worker_instance_id")).as("the job stays on the later delivery's worker")
                .isEqualTo("cu-b2");
        assertThat(invalidAbout(jobId)).as("the late report is parked as invalid")
                .contains("a RUNNING report of attempt 1 from cu-a1 is late");

        report(new ResultMessage(jobId, JobState.SUCCEEDED, "jobs/" + jobId + "/output", 0, null, Instant.now(),
                Instant.now(), "cu-b2", 1L).ofRun(2, second));
        Await.until("the job ends SUCCEEDED, once", () -> "SUCCEEDED".equals(state(jobId)) && running() == 0);
        assertThat(row(jobId).get("attempt")).isEqualTo(2);
    }

    @Test
    void runningJobsOfWorkersThatDidNotRestartAreLeftAlone() throws Exception {
        String incarnation = UUID.randomUUID().toString();
        registerWorker("cu-w7", incarnation);
        // an older worker that sends no incarnation, after a job that ran under one: nothing to compare
        registerWorker("cu-w8", null);
        String same = UUID.randomUUID().toString();
        String unknown = UUID.randomUUID().toString();
        report(new ResultMessage(same, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w7", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt").ofRun(1, incarnation));
        report(new ResultMessage(unknown, JobState.RUNNING, null, null, null, Instant.now(), null, "cu-w8", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "b.txt").ofRun(1, UUID.randomUUID().toString()));
        Await.until("both jobs are RUNNING", () -> "RUNNING".equals(state(same)) && "RUNNING".equals(state(unknown)));
        jdbc.update("UPDATE job SET updated_at = ?", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));
        jdbc.update("UPDATE worker SET registered_at = ?", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));

        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(5).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(state(same)).as("its worker still runs under the job's incarnation").isEqualTo("RUNNING");
        assertThat(state(unknown)).as("its worker's incarnation is unknown").isEqualTo("RUNNING");

        report(new ResultMessage(same, JobState.SUCCEEDED, null, 0, null, Instant.now(), Instant.now(), "cu-w7", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "a.txt").ofRun(1, incarnation));
        report(new ResultMessage(unknown, JobState.SUCCEEDED, null, 0, null, Instant.now(), Instant.now(), "cu-w8", 1L)
                .workerStarted(JobOrigin.DROP_IN, "cu", "upper", "b.txt"));
        Await.until("both end as their workers report", () -> "SUCCEEDED".equals(state(same))
                && "SUCCEEDED".equals(state(unknown)) && running() == 0);
    }

    @Test
    void anIdempotencyKeyClaimStillUploadingPastTheClaimTimeoutIsRemovedWithItsInputAndTheKeyIsFreeAgain()
            throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String expiredKey = UUID.randomUUID().toString();
        String expiredJob = UUID.randomUUID().toString();
        claim(expiredKey, expiredJob, now.minusMinutes(11));
        Path leftover = partialInput(expiredJob);
        String freshKey = UUID.randomUUID().toString();
        String freshJob = UUID.randomUUID().toString();
        claim(freshKey, freshJob, now.minusMinutes(1));
        Path uploading = partialInput(freshJob);
        // a claim whose job was recorded (an orchestrator of before claims were recorded in one transaction)
        String recordedKey = UUID.randomUUID().toString();
        String recordedJob = UUID.randomUUID().toString();
        claim(recordedKey, recordedJob, now.minusMinutes(11));
        jdbc.update("INSERT INTO job (job_id, worker_type, profile_id, origin, state, state_rank, attempt, created_at,"
                + " updated_at) VALUES (?, 'cu', 'copy', 'FE', 'SUCCEEDED', 3, 1, ?, ?)", recordedJob, now, now);
        Path recordedInput = partialInput(recordedJob);

        Await.until("the expired claim is removed", () -> claims(expiredKey) == 0);
        Await.until("with the input its upload left", () -> !Files.exists(leftover.getParent()));
        NotifyBuilder sweeps = new NotifyBuilder(camel).fromRoute("job-sweep").whenCompleted(3).create();
        assertThat(sweeps.matches(30, TimeUnit.SECONDS)).as("the sweeper ran on").isTrue();
        assertThat(claims(freshKey)).as("a claim younger than the timeout stays").isOne();
        assertThat(uploading).as("with its upload").exists();
        assertThat(claims(recordedKey)).as("the claim of a recorded job stays").isOne();
        assertThat(recordedInput).as("with the job's input").exists();

        HttpResponse<String> again = upload(expiredKey);
        assertThat(again.statusCode()).as("the key is free again: %s", again.body()).isEqualTo(202);
        assertThat(json.readTree(again.body()).path("jobId").asText()).isNotEqualTo(expiredJob);
    }

    /** How many dispatch messages of the job are on its queue (a browser, as the orchestrator's own user). */
    int waiting(String jobId) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory("orchestrator", "orchestrator-test",
                "vm://" + broker.getBrokerName() + "?create=false").createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var messages = s.createBrowser(s.createQueue(JobQueues.dispatch("cu")), "jobId = '" + jobId + "'")
                    .getEnumeration();
            int n = 0;
            for (; messages.hasMoreElements(); messages.nextElement()) {
                n++;
            }
            return n;
        }
    }

    /** The reason of the invalid message about the job, off connecta.jobs.invalid (other tests' stay behind). */
    String invalidAbout(String jobId) {
        String selector = JobQueues.REASON_HEADER + " LIKE '%" + jobId + "%'";
        org.apache.camel.Exchange parked = consumer.receive("activemq6:queue:" + JobQueues.INVALID + "?selector=RAW("
                + selector + ")", 20_000);
        assertThat(parked).as("an invalid message about job %s", jobId).isNotNull();
        return parked.getMessage().getHeader(JobQueues.REASON_HEADER, String.class);
    }

    void claim(String key, String jobId, OffsetDateTime createdAt) {
        jdbc.update("INSERT INTO job_key (idempotency_key, job_id, worker_type, profile_id, input_name, state,"
                + " created_at) VALUES (?, ?, 'cu', 'copy', 'in.bin', 'UPLOADING', ?)", key, jobId, createdAt);
    }

    int claims(String key) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM job_key WHERE idempotency_key = ?", Integer.class, key);
    }

    /** What the local blob store holds while a put of the job's input is under way (its temporary file). */
    Path partialInput(String jobId) throws Exception {
        Path file = varDir.resolve("blobs").resolve("jobs").resolve(jobId).resolve("input.~" + UUID.randomUUID());
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[1024]);
        return file;
    }

    HttpResponse<String> upload(String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/fe/v1/jobs?workerType=cu&profileId=copy&filename=in.bin"))
                .header("Content-Type", "application/octet-stream").header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + new DevTokens("http://127.0.0.1:" + port).submitter())
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> deregister(String instanceId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/be/v1/workers/" + instanceId))
                .header("Authorization", "Bearer " + new DevTokens("http://127.0.0.1:" + port).token(DevTokens.WORKER_CU))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The registration of a restarted worker (a new incarnation), through the BE API as the CU workers' credential. */
    HttpResponse<String> restart(String instanceId) throws Exception {
        return restart(instanceId, UUID.randomUUID().toString());
    }

    HttpResponse<String> restart(String instanceId, String incarnation) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/be/v1/workers"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + new DevTokens("http://127.0.0.1:" + port).token(DevTokens.WORKER_CU))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instanceId\":\"" + instanceId + "\",\"workerType\":\"cu\","
                        + "\"baseUrl\":\"http://127.0.0.1:1\",\"version\":\"1\",\"incarnation\":\"" + incarnation + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    void registerWorker(String instanceId, String incarnation) {
        jdbc.update("INSERT INTO worker (instance_id, worker_type, base_url, version, lease_seconds, registered_at,"
                + " last_heartbeat, incarnation) VALUES (?, 'cu', 'http://127.0.0.1:1', '1', 30, CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP, ?)", instanceId, incarnation);
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
                jdbc.queryForMap("SELECT attempt, error, worker_instance_id, worker_incarnation FROM job WHERE job_id = ?",
                        jobId));
    }

    double running() {
        return meters.get("connecta.jobs.running").tag("workerType", "cu").gauge().value();
    }

    double finished(String outcome) {
        return meters.find("connecta.jobs.finished").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
