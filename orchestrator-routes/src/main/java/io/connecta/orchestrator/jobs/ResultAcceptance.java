package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.orchestrator.broker.BrokerUsers;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import jakarta.jms.JMSException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may report what (issue 11). A result is accepted only
 * <ul>
 * <li>from a broker user of the job's worker type (group {@code workers-<type>}; the broker stamps the
 * authenticated user on the message as {@code JMSXUserID}, so the sender cannot choose it);</li>
 * <li>for a job the orchestrator knows (dispatched) and from the worker instance that runs it: the one it was last
 * reported RUNNING on; before any RUNNING report (QUEUED) the first worker of that type to report takes it, and a
 * RUNNING report of another instance moves the job there (the broker handed the job to that worker after the first
 * one died) unless it reports an earlier attempt than the job's (a late report of a delivery the broker has since
 * given to another worker); a final result of another instance only if the recorded one is no longer registered (its
 * run was handed on and its RUNNING report is still on the way);</li>
 * <li>with that job's own result blob ({@code jobs/<jobId>/output}), or none;</li>
 * <li>for a job a worker started itself (origin DROP_IN): from a registered instance of that worker type, with a
 * UUID job id that is not another job's, and no blob.</li>
 * </ul>
 * Anything else throws {@link InvalidJobMessageException}: the message goes to {@code connecta.jobs.invalid} with the
 * reason, and nothing changes.
 */
@Component
public class ResultAcceptance {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final JdbcTemplate jdbc;
    private final BrokerUsers users;

    public ResultAcceptance(JdbcTemplate jdbc, BrokerUsers users) {
        this.jdbc = jdbc;
        this.users = users;
    }

    /** Throws {@link InvalidJobMessageException} with the reason unless the result may move its job. */
    public void check(Exchange e, ResultMessage result) {
        String sender = sender(e);
        if (sender == null || sender.isBlank()) {
            throw new InvalidJobMessageException("the result has no authenticated sender (JMSXUserID)");
        }
        String instance = result.workerInstanceId();
        if (instance == null || instance.isBlank()) {
            throw new InvalidJobMessageException("a result needs workerInstanceId");
        }
        Map<String, Object> job = job(result.jobId());
        if (result.origin() == JobOrigin.DROP_IN) {
            checkDropIn(result, sender, instance, job);
        } else {
            checkDispatched(result, sender, instance, job);
        }
    }

    private void checkDropIn(ResultMessage result, String sender, String instance, Map<String, Object> job) {
        String type = result.workerType();
        checkSender(sender, type);
        if (!registered(instance, type)) {
            throw new InvalidJobMessageException("worker instance " + instance + " is not a registered " + type
                    + " worker");
        }
        if (result.resultBlobId() != null) {
            throw new InvalidJobMessageException("a drop-in result names no blob (its output is a file), not '"
                    + result.resultBlobId() + "'");
        }
        if (!UUID.matcher(result.jobId()).matches()) {
            throw new InvalidJobMessageException("a drop-in job id is a UUID, not '" + result.jobId() + "'");
        }
        if (job != null) {
            if (!JobOrigin.DROP_IN.name().equals(job.get("origin")) || !type.equals(job.get("worker_type"))) {
                throw new InvalidJobMessageException("job " + result.jobId() + " is not a drop-in job of a " + type
                        + " worker");
            }
            Object recorded = job.get("worker_instance_id");
            if (recorded != null && !recorded.equals(instance)) {
                throw new InvalidJobMessageException("job " + result.jobId() + " runs on worker instance " + recorded
                        + ", not " + instance);
            }
        }
    }

    private void checkDispatched(ResultMessage result, String sender, String instance, Map<String, Object> job) {
        if (job == null) {
            throw new InvalidJobMessageException("unknown job " + result.jobId());
        }
        String type = (String) job.get("worker_type");
        checkSender(sender, type);
        String own = ResultMessage.resultBlobId(result.jobId());
        if (result.resultBlobId() != null && !result.resultBlobId().equals(own)) {
            throw new InvalidJobMessageException("result blob '" + result.resultBlobId() + "' is not the job's own ("
                    + own + ")");
        }
        if (result.status() == JobState.SUCCEEDED && job.get("input_blob_id") != null && result.resultBlobId() == null) {
            throw new InvalidJobMessageException("a SUCCEEDED result of a blob job names its result blob " + own);
        }
        Object recorded = job.get("worker_instance_id");
        if (recorded != null && !recorded.equals(instance) && result.status() != JobState.RUNNING
                && registered((String) recorded, type)) {
            throw new InvalidJobMessageException("job " + result.jobId() + " runs on worker instance " + recorded
                    + ", not " + instance);
        }
        int attempt = ((Number) job.get("attempt")).intValue();
        if (result.status() == JobState.RUNNING && JobState.RUNNING.name().equals(job.get("state"))
                && result.attempt() != null && result.attempt() < attempt && !sameRun(job, instance, result)) {
            // the broker gave the job to another worker (a later delivery, already reported): this run was handed
            // on; taking the job back would leave it RUNNING on a run that no longer reports, and refuse the result
            // of the one that does
            throw new InvalidJobMessageException("job " + result.jobId() + " runs its attempt " + attempt + " on "
                    + (recorded == null ? "the next worker to report it" : "worker instance " + recorded)
                    + "; a RUNNING report of attempt " + result.attempt() + " from " + instance + " is late");
        }
    }

    /** The report comes from the run the job is recorded on (a report without an incarnation matches any). */
    private static boolean sameRun(Map<String, Object> job, String instance, ResultMessage result) {
        Object incarnation = job.get("worker_incarnation");
        return instance.equals(job.get("worker_instance_id")) && (incarnation == null
                || result.workerIncarnation() == null || incarnation.equals(result.workerIncarnation()));
    }

    private void checkSender(String sender, String workerType) {
        String group = BrokerUsers.workers(workerType);
        if (!users.groupsOf(sender).contains(group)) {
            throw new InvalidJobMessageException("sent by broker user '" + sender + "', not by a user of group "
                    + group);
        }
    }

    private Map<String, Object> job(String jobId) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT worker_type, origin, worker_instance_id,"
                + " input_blob_id, state, attempt, worker_incarnation FROM job WHERE job_id = ?", jobId);
        return rows.isEmpty() ? null : io.connecta.common.sql.Rows.caseInsensitive(rows.get(0));
    }

    private boolean registered(String instance, String workerType) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM worker WHERE instance_id = ? AND worker_type = ?",
                Integer.class, instance, workerType);
        return n != null && n > 0;
    }

    /** The broker user that sent the message, as the broker stamped it. */
    private static String sender(Exchange e) {
        if (e.getMessage() instanceof JmsMessage m && m.getJmsMessage() != null) {
            try {
                return m.getJmsMessage().getStringProperty("JMSXUserID");
            } catch (JMSException ex) {
                return null;
            }
        }
        return null;
    }
}
