package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobQueues;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.ops.Printable;
import io.connecta.orchestrator.messaging.MessagingRouteConfiguration;
import io.connecta.orchestrator.registry.WorkerRegistrationValidator;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * Results from the workers move jobs forward (RUNNING, then SUCCEEDED or FAILED); a duplicate or late result
 * changes nothing. A result's {@code attempt} (1..1000, the run's real count) raises the job's, never lowers it; a
 * RUNNING result records the worker's {@code workerIncarnation} (a UUID), so the sweeper can tell a job its worker
 * lost in a restart. When a job ends, its JMS requester (JMSReplyTo) gets the result too. A result the database
 * cannot take (or that failed on every delivery) still ends its job: FAILED with the reason, the message parked on
 * {@code connecta.jobs.dlq}. A result that does not come from the worker instance running its job, as a worker user of
 * its type, with its own result blob ({@link ResultAcceptance}) goes to {@code connecta.jobs.invalid} with the reason
 * and changes nothing.
 */
@Component
public class JobResultRoutes extends RouteBuilder {

    /** Exchange property: the ResultMessage as the worker reported it. */
    private static final String REPORTED = "connectaReported";

    private final ObjectMapper json;
    private final JobMetricsRecorder metrics;
    private final Clock clock;
    private final int maxDeliveries;
    private final ResultAcceptance acceptance;

    public JobResultRoutes(ObjectMapper json, JobMetricsRecorder metrics, Clock clock,
                           @Value("${connecta.jms.max-deliveries:10}") int maxDeliveries, ResultAcceptance acceptance) {
        this.json = json;
        this.acceptance = acceptance;
        this.metrics = metrics;
        this.clock = clock;
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public void configure() {
        from("activemq6:queue:" + JobQueues.RESULTS + "?transacted=true&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers={{connecta.jobs.result-consumers:2}}")
                .routeId("job-results").routeConfigurationId(MessagingRouteConfiguration.ID)
                .onException(InvalidJobMessageException.class)
                    .handled(true).useOriginalMessage()
                    .setHeader(JobQueues.REASON_HEADER, simple("${exception.message}"))
                    .log(LoggingLevel.WARN, "Invalid result message: ${exception.message}")
                    .to("activemq6:queue:" + JobQueues.INVALID)
                .end()
                // a result the database refuses (a value it cannot take), or one that failed on every delivery, still
                // ends its job: FAILED with the reason instead of RUNNING for ever; the message itself is parked
                .onException(Exception.class).onWhen(this::cannotBeRecorded)
                    .handled(true).useOriginalMessage()
                    .setHeader(JobQueues.REASON_HEADER, simple("${exception.class.simpleName}: ${exception.message}"))
                    .setHeader("jobId", simple("${exchangeProperty." + REPORTED + ".jobId}"))
                    .setHeader("status", simple("${exchangeProperty." + REPORTED + ".status}"))
                    .log(LoggingLevel.ERROR, "Job ${header.jobId}: its ${header.status} result cannot be recorded"
                            + " (${exception.message}); parked on " + JobQueues.DEAD_LETTER + ", the job ends FAILED")
                    .to("activemq6:queue:" + JobQueues.DEAD_LETTER)
                    .doTry()
                        .process(this::failedUnrecordable)
                        .to("direct:job-result-record")
                    .doCatch(Exception.class)
                        .log(LoggingLevel.ERROR, "Job ${header.jobId}: could not record it FAILED either:"
                                + " ${exception.message}")
                    .end()
                .end()
                .process(e -> {
                    ResultMessage result;
                    try {
                        result = json.readValue(e.getMessage().getBody(String.class), ResultMessage.class);
                    } catch (IOException | IllegalArgumentException ex) {
                        throw new InvalidJobMessageException("not a JSON result message: " + ex.getMessage());
                    }
                    if (result == null || result.jobId() == null || result.status() == null) {
                        throw new InvalidJobMessageException("a result needs jobId and status");
                    }
                    if (result.origin() != null && (result.origin() != JobOrigin.DROP_IN || result.workerType() == null
                            || result.profileId() == null)) {
                        throw new InvalidJobMessageException("a worker's own job needs origin DROP_IN, workerType and profileId");
                    }
                    if (result.attempt() != null && (result.attempt() < 1 || result.attempt() > JobRows.MAX_ATTEMPT)) {
                        throw new InvalidJobMessageException("attempt must be 1.." + JobRows.MAX_ATTEMPT + ", not "
                                + result.attempt());
                    }
                    if (result.workerIncarnation() != null
                            && !WorkerRegistrationValidator.INCARNATION.matcher(result.workerIncarnation()).matches()) {
                        throw new InvalidJobMessageException("workerIncarnation must be a UUID");
                    }
                    e.getMessage().setHeader("jobId", result.jobId());
                    e.getMessage().setHeader("status", result.status().name());
                    // the right sender, the instance that runs the job, the job's own blob (or invalid, unchanged)
                    acceptance.check(e, result);
                    e.setProperty(REPORTED, result);
                    e.getMessage().setBody(result);
                })
                .to("direct:job-result-record");

        // header jobId, body ResultMessage → recorded; the job moved forward (and the watchers hear of it) or the
        // result changes nothing (duplicate, late)
        from("direct:job-result-record").routeId("job-result-record").errorHandler(noErrorHandler())
                .to("direct:job-advance")
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    // a worker's own job: the first result to arrive records it
                    .filter(e -> e.getMessage().getBody(ResultMessage.class).origin() != null)
                        .to("direct:job-load")
                        .filter(body().isNull())
                            .setBody(exchangeProperty("connectaResult"))
                            .to("direct:job-record-worker-run")
                            .log("Job ${header.jobId} recorded as reported by its worker (${header.status})")
                        .end()
                        .setBody(exchangeProperty("connectaResult"))
                    .end()
                .end()
                .choice()
                    .when(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                        .log(LoggingLevel.DEBUG, "Job ${header.jobId}: result ${header.status} changes nothing"
                                + " (duplicate, late, or unknown job)")
                    .otherwise()
                        .log("Job ${header.jobId} is ${header.status}")
                        .to("direct:job-changed")
                .end();

        // header jobId, body ResultMessage: the job moved forward
        from("direct:job-changed").routeId("job-changed").errorHandler(noErrorHandler())
                .to("direct:job-load")
                .process(e -> metrics.changed(e.getMessage().getBody(JobView.class)))
                .filter(e -> e.getMessage().getBody(JobView.class).status().isTerminal())
                    .to("direct:job-reply");

        // body JobView of an ended job: its requester's JMSReplyTo, if any, gets the result message
        from("direct:job-reply").routeId("job-reply").errorHandler(noErrorHandler())
                .setProperty("connectaJob", body())
                .to("sql:SELECT reply_to, correlation_id FROM job WHERE job_id = :#jobId?outputType=SelectOne")
                .filter(simple("${body[reply_to]} != null"))
                    .process(e -> {
                        JobView job = e.getProperty("connectaJob", JobView.class);
                        String replyTo = (String) e.getMessage().getBody(Map.class).get("reply_to");
                        String correlation = (String) e.getMessage().getBody(Map.class).get("correlation_id");
                        ResultMessage reply = new ResultMessage(job.jobId(), job.status(), job.resultBlobId(),
                                job.exitCode(), job.error(), job.startedAt(), job.finishedAt(), job.workerInstanceId(),
                                job.profileVersion());
                        e.getMessage().removeHeaders("*");
                        e.getMessage().setHeader("jobId", job.jobId());
                        if (correlation != null) {
                            e.getMessage().setHeader("JMSCorrelationID", correlation);
                        }
                        e.setProperty("connectaReplyTo", ReplyDestinations.endpoint(replyTo));
                        e.getMessage().setBody(json.writeValueAsString(reply));
                    })
                    .toD("${exchangeProperty.connectaReplyTo}")
                    .log("Job ${header.jobId}: result sent to the requester");
    }

    /**
     * A result the database refused for its content (SQLSTATE class 22, data exception: a value too long, a byte it
     * cannot store; redelivering changes nothing), or any failure on the last delivery.
     */
    private boolean cannotBeRecorded(Exchange e) {
        if (e.getProperty(REPORTED) == null) {
            return false;
        }
        Integer deliveries = e.getMessage().getHeader("JMSXDeliveryCount", Integer.class);
        if (deliveries != null && deliveries >= maxDeliveries) {
            return true;
        }
        for (Throwable t = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Body: the FAILED result that replaces the one reported, with nothing of it the database could refuse. */
    private void failedUnrecordable(Exchange e) {
        ResultMessage reported = e.getProperty(REPORTED, ResultMessage.class);
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // the database's own words (e.g. "value too long for type character varying(600)"), not the SQL around them
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = "the worker's " + reported.status() + " result could not be recorded: "
                + (root == null ? "unknown error" : root.getMessage());
        ResultMessage failed = new ResultMessage(reported.jobId(), JobState.FAILED, null, reported.exitCode(),
                reason, reported.startedAt(), clock.instant(), null, reported.profileVersion(), reported.origin(),
                reported.workerType(), reported.profileId(),
                Printable.storable(reported.inputName(), JobRows.INPUT_NAME_LENGTH), reported.attempt(),
                reported.workerIncarnation());
        e.getMessage().setHeader("jobId", failed.jobId());
        e.getMessage().setHeader("status", JobState.FAILED.name());
        e.getMessage().setBody(failed);
    }
}
