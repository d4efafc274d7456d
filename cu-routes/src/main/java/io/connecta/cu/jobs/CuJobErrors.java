package io.connecta.cu.jobs;

import io.connecta.common.blob.BlobNotFoundException;
import io.connecta.common.job.JobQueues;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.cu.exec.CuStoppedException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How a CU job fails. A job that cannot run as asked (unknown profile, missing input, a path outside the root)
 * ends FAILED at once. Anything else (blob store, database or broker trouble) rolls the delivery back so the
 * broker redelivers it with backoff; after {@code connecta.jms.max-deliveries} the job ends FAILED with the reason
 * and the dispatch message is parked on {@code connecta.jobs.dlq}. A run the worker's own stop ended
 * ({@link CuStoppedException}) is handed back: the delivery rolls back, whatever its count, and nothing is reported.
 */
@Component
public class CuJobErrors extends RouteConfigurationBuilder {

    public static final String ID = "cu-job-errors";

    private final CuJob job;
    private final int maxDeliveries;

    public CuJobErrors(CuJob job, @Value("${connecta.jms.max-deliveries:10}") int maxDeliveries) {
        this.job = job;
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition config = routeConfiguration(ID);

        // not handled: the transaction rolls back and the broker gives the job to another worker (GracefulStop)
        config.onException(CuStoppedException.class)
                .handled(false).logExhausted(false)
                .log(LoggingLevel.WARN, "Job ${header.jobId}: handed back to the broker (${exception.message});"
                        + " another worker runs it");

        // a 5xx ApiProblemException (a store or service answering "unavailable") is the infrastructure's, not the job's:
        // the clauses below
        config.onException(JobFailedException.class, ApiProblemException.class, BlobNotFoundException.class)
                .onWhen(e -> CuJob.isJobFailure(e.getException()))
                .handled(true)
                .log(LoggingLevel.WARN, "Job ${header.jobId} FAILED: ${exception.message}")
                .process(job::failedWith)
                .to("activemq6:queue:" + JobQueues.RESULTS);

        config.onException(Exception.class)
                .onWhen(header("JMSXDeliveryCount").isGreaterThanOrEqualTo(maxDeliveries))
                .handled(true).useOriginalMessage()
                .log(LoggingLevel.ERROR, "Job ${header.jobId}: giving up after ${header.JMSXDeliveryCount} deliveries:"
                        + " ${exception.message}")
                .setHeader(JobQueues.REASON_HEADER, simple("${exception.class.simpleName}: ${exception.message}"))
                .to("activemq6:queue:" + JobQueues.DEAD_LETTER)
                .process(job::failedWith)
                .to("activemq6:queue:" + JobQueues.RESULTS);
    }
}
