package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.DispatchMessage;
import io.connecta.common.job.JobQueues;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;

/**
 * Puts recorded jobs on their worker type's queue and marks them QUEUED. A job whose dispatch fails (broker
 * down) stays PENDING and the redispatch timer sends it again, so no accepted job waits for ever. A job may so be
 * dispatched twice; workers and the forward-only result handling make that harmless. {@link JobSweepRoutes} sends
 * QUEUED jobs no worker took, and RUNNING jobs whose worker went away, through {@code direct:job-dispatch} again.
 */
@Component
public class JobDispatchRoutes extends RouteBuilder {

    // a PENDING job becomes QUEUED; a job the sweeper dispatches again (QUEUED, or RUNNING on a worker that went
    // away) keeps its state: either way the attempt counts the dispatch (never lowered: a worker's report may have
    // counted the broker's redeliveries already), and the deadline starts again
    private static final String MARK_QUEUED = "sql:UPDATE job SET"
            + " state = CASE WHEN state_rank < 1 THEN 'QUEUED' ELSE state END,"
            + " state_rank = CASE WHEN state_rank < 1 THEN 1 ELSE state_rank END,"
            + " attempt = GREATEST(attempt, :#attempt), updated_at = :#now WHERE job_id = :#jobId AND state_rank < 3";
    private static final String ATTEMPTED = "sql:UPDATE job SET attempt = GREATEST(attempt, :#attempt),"
            + " updated_at = :#now WHERE job_id = :#jobId";
    private static final String STALE_PENDING = "sql:SELECT job_id FROM job WHERE state = 'PENDING'"
            + " AND updated_at < :#cutoff ORDER BY created_at LIMIT 100";

    private final JobRows rows;
    private final ObjectMapper json;
    private final Duration redispatchAfter;

    public JobDispatchRoutes(JobRows rows, ObjectMapper json,
                             @Value("${connecta.jobs.redispatch-after-ms:10000}") long redispatchAfterMs) {
        this.rows = rows;
        this.json = json;
        this.redispatchAfter = Duration.ofMillis(redispatchAfterMs);
    }

    @Override
    public void configure() {
        // header jobId: send the dispatch message; never fails the caller
        from("direct:job-dispatch").routeId("job-dispatch").errorHandler(noErrorHandler())
                .to("direct:job-load")
                .process(e -> {
                    JobView job = e.getMessage().getBody(JobView.class);
                    int attempt = job.attempt() + 1;
                    DispatchMessage message = new DispatchMessage(job.jobId(), job.profileId(), job.inputBlobId(),
                            job.inputFile(), attempt);
                    e.getMessage().removeHeaders("*");
                    // jobId travels as a JMS property too: selectors, logs and the workers' MDC use it
                    e.getMessage().setHeader("jobId", job.jobId());
                    e.setProperty("connectaQueue", JobQueues.dispatch(job.workerType()));
                    e.setProperty("connectaSql", Map.of("jobId", job.jobId(), "attempt", attempt, "now", rows.now()));
                    e.getMessage().setBody(json.writeValueAsString(message));
                })
                .doTry()
                    .toD("activemq6:queue:${exchangeProperty.connectaQueue}")
                    .setBody(exchangeProperty("connectaSql"))
                    .to(MARK_QUEUED)
                    .log("Job ${header.jobId} queued on ${exchangeProperty.connectaQueue}")
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Job ${header.jobId} stays PENDING, dispatch failed: ${exception.message}")
                    .setBody(exchangeProperty("connectaSql"))
                    .to(ATTEMPTED)
                .end();

        from("timer:job-redispatch?delay={{connecta.jobs.redispatch-period-ms:5000}}"
                + "&period={{connecta.jobs.redispatch-period-ms:5000}}").routeId("job-redispatch")
                .setBody(e -> Map.of("cutoff", rows.now().minus(redispatchAfter)))
                .to(STALE_PENDING)
                .split(body())
                    .setHeader("jobId", simple("${body[job_id]}", String.class))
                    .log(LoggingLevel.WARN, "Dispatching job ${header.jobId} again: it is still PENDING")
                    .to("direct:job-dispatch")
                .end();
    }
}
