package io.connecta.cu.jobs;

import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.cu.exec.CuExec;
import io.connecta.cu.exec.ExecOutcome;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The CU worker's job consumer: a dispatch message from {@code connecta.jobs.cu} becomes a run of the CU with the
 * job's profile in a fresh work directory, and a result message on {@code connecta.jobs.results}. The consumer is
 * transacted: if the worker dies mid-job the broker hands the message to another worker, and the final result is
 * sent in the same transaction that takes the message off the queue. On a graceful stop the consumer takes no new
 * message, and a job whose CU the stop killed rolls back ({@code io.connecta.cu.GracefulStop}).
 */
@Component
public class CuJobRoutes extends RouteBuilder {

    /** The route id of the job consumer. */
    public static final String ID = "cu-job";

    private final CuJob job;

    public CuJobRoutes(CuJob job) {
        this.job = job;
    }

    @Override
    public void configure() {
        from("activemq6:queue:connecta.jobs.{{connecta.worker.worker-type}}?transacted=true"
                + "&cacheLevelName=CACHE_CONSUMER&concurrentConsumers={{connecta.cu.jobs.concurrent-consumers:2}}")
                .routeId(ID).routeConfigurationId(CuJobErrors.ID)
                // inputs and outputs pass as streams and files, never cached in memory
                .noStreamCaching()
                .onCompletion()
                    .process(job::removeWorkDir)
                .end()
                .process(job::readDispatch)
                .log("Job ${header.jobId}: starting with profile ${header.profileId}"
                        + " (delivery ${header.JMSXDeliveryCount})")
                .wireTap("direct:cu-job-running")
                .to("direct:profile-load")
                .setProperty(CuExec.PROFILE, body())
                .process(job::createWorkDir)
                .choice()
                    .when(job::hasInputBlob)
                        .process(job::aimInputDownload)
                        .to(BlobStore.GET)
                        .process(job::saveInput)
                    .otherwise()
                        .process(job::copySharedInput)
                .end()
                .to(CuExec.ENDPOINT)
                .choice()
                    .when(e -> e.getMessage().getBody(ExecOutcome.class).success() && job.hasInputBlob(e))
                        .process(job::aimOutputUpload)
                        .to(BlobStore.PUT)
                        .process(job::succeeded)
                        .log("Job ${header.jobId} SUCCEEDED")
                    .when(e -> e.getMessage().getBody(ExecOutcome.class).success())
                        // a file-reference job: the output goes beside the input in the shared root, no blob
                        .process(job::writeSharedOutput)
                        .process(job::succeeded)
                        .log("Job ${header.jobId} SUCCEEDED")
                    .otherwise()
                        .process(job::failedRun)
                        .log(LoggingLevel.WARN, "Job ${header.jobId} FAILED: ${body}")
                .end()
                .to("activemq6:queue:" + JobQueues.RESULTS);

        // outside the job's transaction, so the orchestrator sees RUNNING while the CU works
        from("direct:cu-job-running").routeId("cu-job-running")
                .doTry()
                    .process(job::running)
                    .to("activemq6:queue:" + JobQueues.RESULTS)
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Job ${header.jobId}: could not report RUNNING: ${exception.message}")
                .end();
    }
}
