package io.connecta.orchestrator.jobs;

import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.common.ops.health.BlobStoreHealthIndicator;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemRouteConfiguration;
import io.connecta.orchestrator.messaging.MessagingRouteConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The two doors for jobs: {@code POST /api/fe/v1/jobs} (the body streams into the blob store) and the
 * {@code connecta.jobs.submit} queue. Both check the worker type and profile, record the job and dispatch it. An
 * upload meets a blob store that is away with a 503 that says so.
 */
@Component
public class JobIntakeRoutes extends RouteBuilder {

    /** The job upload: {@code POST /api/fe/v1/jobs} as {@link io.connecta.orchestrator.api.JobUploadFilter} hands it over. */
    public static final String UPLOAD = "direct:job-upload";

    private final JobIntake intake;
    private final ProfileCheck profileCheck;
    private final BlobStoreHealthIndicator blobStore;

    public JobIntakeRoutes(JobIntake intake, ProfileCheck profileCheck, BlobStoreHealthIndicator blobStore) {
        this.intake = intake;
        this.profileCheck = profileCheck;
        this.blobStore = blobStore;
    }

    @Override
    public void configure() {
        // the REST DSL verb (inlined into this route by Camel) documents the upload; api.JobUploadFilter serves it and
        // calls direct:job-upload itself, which a route inlined into the REST DSL could not offer
        from("direct:job-submit-fe").routeId("job-submit-fe").routeConfigurationId(ProblemRouteConfiguration.ID)
                .to(UPLOAD);

        // the upload stays a stream from the request to the blob store, read once. An Idempotency-Key is claimed
        // before anything is stored (JobKeyRoutes): of concurrent requests with one key only the claimant stores an
        // input; the others compare their request with it and answer its job, or 422 when it differs
        from(UPLOAD).routeId("job-upload").routeConfigurationId(ProblemRouteConfiguration.ID)
                .noStreamCaching()
                // a claimed key whose job was not recorded (unknown profile, abandoned upload, storage error: all
                // answered by the problem+json configuration, so the exchange does not fail) is free for the next try
                .onCompletion().onWhen(JobKeyRoutes::claimedButNotRecorded)
                    // the answer's headers are the problem's by now: the key comes from the request's job (and only
                    // this request's claim goes: an expired one may be another request's by now)
                    .process(e -> e.getMessage().setHeader("key",
                            e.getProperty(JobIntake.NEW_JOB, NewJob.class).idempotencyKey()))
                    .to("direct:job-key-release")
                .end()
                .process(intake::readFeRequest)
                .to("direct:job-key-claim")
                .choice()
                    .when(exchangeProperty(JobKeyRoutes.CLAIM).isNotNull())
                        .process(intake::requireSameRequest)
                        // the body is read for its digest only: a repeated request stores nothing
                        .process(intake::digestOnly)
                        .to("direct:job-key-await")
                        .process(intake::judgeRepeat)
                        .log("Idempotency-Key ${header.key} seen before: answering its job ${header.jobId}")
                        .to("direct:job-load")
                    .otherwise()
                        .process(intake::aimProfileCheck)
                        .enrich("direct:profile-check", JobIntake.failureOnly())
                        // with the blob store away: 503 saying so at once, not after the store client's retries
                        .process(e -> blobStore.requireAvailable())
                        .process(intake::prepareUpload)
                        .to(BlobStore.PUT)
                        .process(intake::uploaded)
                        .setHeader("inputBytes", header(BlobStore.BLOB_SIZE))
                        .setBody(exchangeProperty(JobIntake.NEW_JOB))
                        .to("direct:job-record-claimed")
                        .filter(exchangeProperty(JobKeyRoutes.CLAIM_LOST).isEqualTo(true))
                            // the claim expired mid-upload and the key may be another request's: no job, no input
                            .doTry()
                                .setHeader("jobId", simple("${exchangeProperty." + JobIntake.NEW_JOB + ".jobId}"))
                                .to(JobInputs.REMOVE)
                            .doCatch(Exception.class)
                                // the answer is the same: a file left over is only space
                                .log(LoggingLevel.WARN, "Job ${exchangeProperty." + JobIntake.NEW_JOB + ".jobId}: its"
                                        + " input could not be removed: ${exception.message}")
                            .end()
                            .process(intake::claimExpired)
                        .end()
                        .setProperty(JobKeyRoutes.CLAIMED, constant(false))
                        .to("direct:job-dispatch")
                        .to("direct:job-load")
                .end()
                .process(e -> intake.answer(e, 202));

        from("activemq6:queue:" + JobQueues.SUBMIT + "?transacted=true&cacheLevelName=CACHE_CONSUMER"
                + "&disableReplyTo=true&concurrentConsumers={{connecta.jobs.submit-consumers:1}}")
                .routeId("job-submit-jms").routeConfigurationId(MessagingRouteConfiguration.ID)
                .onException(InvalidJobMessageException.class, ApiProblemException.class)
                    .handled(true).useOriginalMessage()
                    .setHeader(JobQueues.REASON_HEADER, simple("${exception.message}"))
                    .log(LoggingLevel.WARN, "Invalid job request ${header.JMSMessageID}: ${exception.message}")
                    .removeHeaders("CamelSql*")
                    .to("activemq6:queue:" + JobQueues.INVALID)
                .end()
                .process(intake::readSubmitMessage)
                .enrich("direct:job-find-by-key", JobIntake.existingJob())
                .filter(exchangeProperty(JobIntake.EXISTING).isNull())
                    .process(intake::aimProfileCheck)
                    .enrich("direct:profile-check", JobIntake.failureOnly())
                    .setBody(exchangeProperty(JobIntake.NEW_JOB))
                    .to("direct:job-record")
                    // outside this consumer's transaction: a failed dispatch leaves the job PENDING for the timer
                    .wireTap("direct:job-dispatch")
                .end();

        // headers workerType, profileId: 404 unknown type, 422 unknown profile; without a live worker to ask,
        // the job is accepted and the worker reports an unknown profile itself
        from("direct:profile-check").routeId("profile-check").errorHandler(noErrorHandler())
                .setBody(constant(null))
                .setHeader(Exchange.HTTP_METHOD, constant("GET"))
                .setProperty("connectaCheckedType", header("workerType"))
                .setProperty("connectaCheckedProfile", header("profileId"))
                .doTry()
                    .to("direct:profile-passthrough")
                    .process(profileCheck::judge)
                .doCatch(ApiProblemException.class).onWhen(ProfileCheck::noWorkerToAsk)
                    .log(LoggingLevel.WARN, "No live ${header.workerType} worker to confirm profile ${header.profileId};"
                            + " accepting the job")
                .end();
    }
}
