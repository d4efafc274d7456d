package io.connecta.orchestrator.jobs;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The Idempotency-Key claims of uploads (table {@code job_key}) on camel-sql, as internal steps of the upload route
 * (failures go back to the caller). A key is claimed before its upload is stored: the primary key lets exactly one of
 * concurrent requests in; the others find the claim and compare their request with it (see {@link JobIntake}). A claim
 * still UPLOADING after {@code connecta.jobs.idempotency-claim-timeout} (its orchestrator died mid-upload) is removed
 * by the sweeper ({@link JobSweepRoutes}); an upload that finishes after that makes no job (409).
 */
@Component
public class JobKeyRoutes extends RouteBuilder {

    /** Exchange property: the claim row (a map) found under the request's key when the key was taken before. */
    static final String CLAIM = "connectaClaim";
    /** Exchange property: true once this request claimed its key, false again once its job is recorded. */
    static final String CLAIMED = "connectaKeyClaimed";
    /**
     * Exchange property: true when the request's claim was gone when its upload finished (it outlived
     * {@code connecta.jobs.idempotency-claim-timeout}); no job was recorded.
     */
    static final String CLAIM_LOST = "connectaKeyClaimLost";

    private static final String INSERT = "sql:INSERT INTO job_key (idempotency_key, job_id, worker_type, profile_id,"
            + " input_name, state, created_at) VALUES (:#key, :#jobId, :#workerType, :#profileId, :#inputName,"
            + " 'UPLOADING', :#now)";
    private static final String SELECT = "sql:SELECT idempotency_key, job_id, worker_type, profile_id, input_name,"
            + " input_sha256, state FROM job_key WHERE idempotency_key = :#key?outputType=SelectOne";
    // this request's own claim only (its job id), still UPLOADING: a claim that outlived
    // connecta.jobs.idempotency-claim-timeout was removed by the sweeper, and the key may be another request's since
    private static final String RECORDED = "sql:UPDATE job_key SET state = 'RECORDED', input_sha256 = :#sha256"
            + " WHERE idempotency_key = :#key AND job_id = :#jobId AND state = 'UPLOADING'";
    private static final String RELEASE = "sql:DELETE FROM job_key WHERE idempotency_key = :#key AND job_id = :#jobId"
            + " AND state = 'UPLOADING'";

    private final JobIntake intake;

    public JobKeyRoutes(JobIntake intake) {
        this.intake = intake;
    }

    /** Whether the request claimed its key but recorded no job: the claim must go. */
    static boolean claimedButNotRecorded(Exchange e) {
        return e.getProperty(CLAIMED, false, Boolean.class);
    }

    @Override
    public void configure() {
        // header key (optional), property NewJob → the key is ours (property CLAIM unset) or was taken before
        // (property CLAIM = its row); the body is left alone (the upload is a property, see JobIntake.UPLOAD)
        from("direct:job-key-claim").routeId("job-key-claim").errorHandler(noErrorHandler())
                .filter(header("key").isNotNull())
                    .setBody(intake::claimParams)
                    .doTry()
                        .to(INSERT)
                        .setProperty(CLAIMED, constant(true))
                        .log("Idempotency-Key ${header.key} claimed for job ${body[jobId]}")
                    .doCatch(DataIntegrityViolationException.class)
                        // the key is taken: by a request before this one, or by one running now
                        .to(SELECT)
                        .setProperty(CLAIM, body())
                    .end()
                    .setBody(constant(null))
                .end();

        // header key → body: the claim row (a map), or null when it is gone (its upload failed)
        from("direct:job-key-load").routeId("job-key-load").errorHandler(noErrorHandler())
                .setBody(constant(null))
                .to(SELECT);

        // header key, header sha256, body NewJob: the claim becomes RECORDED and the job is recorded, in one
        // transaction: a request that finds the claim RECORDED finds its job too, and a failure leaves the claim
        // UPLOADING for the release. A claim that is no longer this request's records nothing: property CLAIM_LOST
        from("direct:job-record-claimed").routeId("job-record-claimed")
                .transacted()
                .to("direct:job-key-recorded")
                .filter(exchangeProperty(CLAIM_LOST).isNull())
                    .to("direct:job-record")
                .end();

        from("direct:job-key-recorded").routeId("job-key-recorded").errorHandler(noErrorHandler())
                .filter(header("key").isNotNull())
                    .setProperty("connectaRecording", body())
                    .setBody(e -> Map.of("key", e.getMessage().getHeader("key"),
                            "jobId", e.getProperty(JobIntake.NEW_JOB, NewJob.class).jobId(),
                            "sha256", e.getMessage().getHeader("sha256")))
                    .to(RECORDED)
                    .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                        .setProperty(CLAIM_LOST, constant(true))
                        .log(LoggingLevel.WARN, "Idempotency-Key ${header.key}: the claim of job ${body[jobId]}"
                                + " expired before its upload finished; no job is made")
                    .end()
                    .setBody(exchangeProperty("connectaRecording"))
                .end();

        // header key: the claiming request failed before its job was recorded; the key is free again
        from("direct:job-key-release").routeId("job-key-release").errorHandler(noErrorHandler())
                .filter(header("key").isNotNull())
                    .setBody(intake::claimParams)
                    .to(RELEASE)
                    .log("Idempotency-Key ${header.key} released: its upload failed")
                .end();

        // header key, property CLAIM: wait (up to connecta.jobs.idempotency-wait-ms) while the request that claimed
        // the key still uploads; then property CLAIM is the claim as it is now (RECORDED, still UPLOADING, or null)
        from("direct:job-key-await").routeId("job-key-await").errorHandler(noErrorHandler())
                .process(e -> e.setProperty("connectaKeyDeadline", System.currentTimeMillis() + intake.idempotencyWaitMs()))
                .loopDoWhile(JobIntake::claimUploading)
                    .delay(constant("{{connecta.jobs.idempotency-poll-ms:100}}"))
                    .to("direct:job-key-load")
                    .setProperty(CLAIM, body())
                .end();
    }
}
