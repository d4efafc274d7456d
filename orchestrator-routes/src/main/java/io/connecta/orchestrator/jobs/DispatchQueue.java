package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobQueues;
import jakarta.jms.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

import java.util.regex.Pattern;

/**
 * A look at a worker type's dispatch queue ({@code connecta.jobs.<type>}) for the messages of one job, by the JMS
 * property {@code jobId} every dispatch carries (JobDispatchRoutes). The sweeper asks before it dispatches a job again
 * or ends it: a job whose dispatch is still on the queue only waits in line.
 * <p>
 * What a browser sees (ActiveMQ Classic): the messages waiting, and those delivered to a consumer and not yet
 * committed (a worker runs the job, or its connection died and the broker has not yet taken the message back). Not
 * seen: messages beyond the broker's paged-in window of a very deep queue (a few hundred messages; ActiveMQ's
 * maxPageSize and maxBrowsePageSize), so behind such a backlog a job may still be dispatched twice.
 */
@Component
public class DispatchQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchQueue.class);
    // the only shape of a job id that goes into a selector: nothing of it can end the string literal
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final JmsTemplate jms;

    public DispatchQueue(ConnectionFactory connectionFactory) {
        this.jms = new JmsTemplate(connectionFactory);
    }

    /** Whether a dispatch message of the job is on its worker type's queue; throws when the broker cannot say. */
    public boolean holds(String workerType, String jobId) {
        if (jobId == null || !UUID.matcher(jobId).matches()) {
            // our rows hold UUIDs only; anything else is not put into a selector (and cannot be found by one)
            LOG.warn("Job '{}': not a UUID, its dispatch queue is not browsed", jobId);
            return false;
        }
        Boolean found = jms.browseSelected(JobQueues.dispatch(workerType), "jobId = '" + jobId + "'",
                (session, browser) -> browser.getEnumeration().hasMoreElements());
        return Boolean.TRUE.equals(found);
    }
}
