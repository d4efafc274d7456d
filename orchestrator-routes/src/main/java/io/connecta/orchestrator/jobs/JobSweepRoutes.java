package io.connecta.orchestrator.jobs;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * The sweeper: ends or re-dispatches jobs that would otherwise hang, and frees Idempotency-Key claims of uploads that
 * died, one orchestrator at a time.
 * <ul>
 *   <li>QUEUED jobs no worker took within {@code connecta.jobs.queued-timeout} (their dispatch message was consumed by
 *       something else, or lost) are dispatched again with the next attempt; after {@code connecta.jms.max-deliveries}
 *       attempts they end FAILED with the reason.</li>
 *   <li>RUNNING jobs whose worker instance is gone (deregistered, and the job's row unchanged for
 *       {@code connecta.jobs.worker-grace} since: time for the broker to hand the job a stopping worker gave back to
 *       another worker; or its lease expired by more than the grace, counted at the earliest from this orchestrator's
 *       start and from the end of its last failed sweep, as heartbeats may not have got through before): a DROP_IN
 *       job ends FAILED, "worker &lt;id&gt; went away while the job ran"; a dispatched (FE, JMS) job is dispatched
 *       again (the same attempt limit).</li>
 *   <li>RUNNING jobs whose worker restarted: it is registered under another incarnation than the one the job ran
 *       under, and neither that registration nor the job's row changed for {@code connecta.jobs.worker-grace} (time
 *       for the broker to redeliver the job's uncommitted dispatch: a RUNNING report of that run changes the row, and
 *       the sweeper leaves it alone). A DROP_IN job ends FAILED, "worker &lt;id&gt; restarted while the job ran; the
 *       file runs again as a new job"; a dispatched job is dispatched again (the same attempt limit).</li>
 *   <li>None of these is dispatched again or ended while a dispatch message of it is still on its worker type's
 *       queue ({@link DispatchQueue}: behind a backlog, handed back by a stopping worker, or taken back from a lost
 *       one): it only waits in line, and is released (no worker, the deadline starts again) without a dispatch, so
 *       one job is never dispatched twice.</li>
 *   <li>Idempotency-Key claims ({@code job_key}) still UPLOADING after {@code connecta.jobs.idempotency-claim-timeout}
 *       (their orchestrator died mid-upload) are removed with the input their upload left, so the key can be used
 *       again.</li>
 * </ul>
 * One at a time: each timer run first takes the row {@code job-sweep} of {@code sweep_lock} with a conditional UPDATE
 * (free, expired, or its own); only the orchestrator that got it sweeps. Each job's change is conditional as well
 * (state, attempt, worker and its incarnation), so even two sweeps that overlapped would change a job once.
 */
@Component
public class JobSweepRoutes extends RouteBuilder {

    private static final String TAKE_LOCK = "sql:UPDATE sweep_lock SET holder = :#holder, locked_until = :#until"
            + " WHERE name = 'job-sweep' AND (locked_until < :#now OR holder = :#holder)";
    // QUEUED past the deadline, or RUNNING with no worker since the sweeper dispatched it again
    private static final String STALE_QUEUED = "sql:SELECT job_id, worker_type, profile_id, origin, state, attempt,"
            + " worker_incarnation FROM job"
            + " WHERE (state = 'QUEUED' OR (state = 'RUNNING' AND worker_instance_id IS NULL))"
            + " AND updated_at < :#cutoff ORDER BY created_at LIMIT 100";
    private static final String RUNNING = "sql:SELECT j.job_id, j.worker_type, j.profile_id, j.origin, j.state,"
            + " j.attempt, j.worker_instance_id, j.worker_incarnation, j.updated_at, w.last_heartbeat, w.lease_seconds,"
            + " w.incarnation, w.registered_at FROM job j LEFT JOIN worker w"
            + " ON w.instance_id = j.worker_instance_id WHERE j.state = 'RUNNING' AND j.worker_instance_id IS NOT NULL"
            + " ORDER BY j.created_at LIMIT 1000";
    // both changes are conditional on what the sweep saw: a result or another sweep in between wins, and this
    // changes nothing
    private static final String AS_SEEN = " WHERE job_id = :#jobId AND state = :#state AND attempt = :#attempt"
            + " AND COALESCE(worker_instance_id, '') = :#worker AND COALESCE(worker_incarnation, '') = :#incarnation";
    private static final String FAIL = "sql:UPDATE job SET state = 'FAILED', state_rank = 3, error = :#error,"
            + " finished_at = :#now, updated_at = :#now" + AS_SEEN;
    // the job is handed over to the next dispatch: no worker yet, the deadline starts again
    private static final String RELEASE = "sql:UPDATE job SET worker_instance_id = NULL, worker_incarnation = NULL,"
            + " updated_at = :#now" + AS_SEEN;

    // Idempotency-Key claims still UPLOADING past the claim timeout: their orchestrator died mid-upload
    private static final String EXPIRED_CLAIMS = "sql:SELECT idempotency_key, job_id FROM job_key"
            + " WHERE state = 'UPLOADING' AND created_at < :#cutoff ORDER BY created_at LIMIT 100";
    // as seen (the request's own job id, still UPLOADING), and never the claim of a job that was recorded
    private static final String REMOVE_CLAIM = "sql:DELETE FROM job_key WHERE idempotency_key = :#key"
            + " AND job_id = :#jobId AND state = 'UPLOADING'"
            + " AND NOT EXISTS (SELECT 1 FROM job WHERE job.job_id = job_key.job_id)";

    private final JobSweeper sweeper;

    public JobSweepRoutes(JobSweeper sweeper) {
        this.sweeper = sweeper;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure() {
        from("timer:job-sweep?delay={{connecta.jobs.sweep-period-ms:30000}}&period={{connecta.jobs.sweep-period-ms:30000}}")
                .routeId("job-sweep")
                // a sweep that threw (the database away): the workers' heartbeats failed as well (JobSweeper)
                .onCompletion().onFailureOnly()
                    .process(e -> sweeper.sweepFailed())
                .end()
                .setBody(e -> sweeper.lockParams())
                .to(TAKE_LOCK)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                    .setBody(e -> sweeper.queuedParams())
                    .to(STALE_QUEUED)
                    .split(body())
                        .process(sweeper::decideQueued)
                        .to("direct:job-sweep-one")
                    .end()
                    .setBody(constant(null))
                    .to(RUNNING)
                    .setBody(e -> sweeper.orphans(e.getMessage().getBody(List.class)))
                    .split(body())
                        .process(sweeper::decideOrphan)
                        .to("direct:job-sweep-one")
                    .end()
                    .setBody(e -> sweeper.claimParams())
                    .to(EXPIRED_CLAIMS)
                    .split(body())
                        .to("direct:job-sweep-claim")
                    .end()
                .end();

        // body: the parameters of one job's change, header connectaSweep fail|redispatch (JobSweeper)
        from("direct:job-sweep-one").routeId("job-sweep-one")
                .choice()
                    // its dispatch is still on the queue: a second one would run the job twice (JobSweeper)
                    .when(method(sweeper, "waitingInLine"))
                        .to("direct:job-sweep-waiting")
                    .when(header(JobSweeper.ACTION).isEqualTo("fail"))
                        .to("direct:job-sweep-fail")
                    .otherwise()
                        .to("direct:job-sweep-redispatch")
                .end();

        // body: an expired claim (idempotency_key, job_id) → removed with the input its upload left; the key is free
        from("direct:job-sweep-claim").routeId("job-sweep-claim")
                .setHeader("key", simple("${body[idempotency_key]}"))
                .setHeader("jobId", simple("${body[job_id]}"))
                .setBody(e -> Map.of("key", e.getMessage().getHeader("key"),
                        "jobId", e.getMessage().getHeader("jobId")))
                .to(REMOVE_CLAIM)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                    .log(LoggingLevel.WARN, "Idempotency-Key ${header.key}: the claim of job ${header.jobId} was still"
                            + " uploading after {{connecta.jobs.idempotency-claim-timeout:2h}} (its orchestrator stopped"
                            + " mid-upload); removed with the input it left, the key is free again")
                    .doTry()
                        .to(JobInputs.REMOVE)
                    .doCatch(Exception.class)
                        // the claim is gone either way; a file left over is only space
                        .log(LoggingLevel.WARN, "Job ${header.jobId}: its input could not be removed:"
                                + " ${exception.message}")
                    .end()
                .end();

        from("direct:job-sweep-fail").routeId("job-sweep-fail")
                .to(FAIL)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                    .log(LoggingLevel.WARN, "Job ${header.jobId} FAILED by the sweeper: ${header.reason}")
                    .process(sweeper::countNeverRan)
                    // metrics (the running gauge goes down) and the JMS requester's reply
                    .to("direct:job-changed")
                .end();

        // released as for a dispatch (no worker, the deadline starts again), and not dispatched: the waiting message
        // goes to a worker, whose RUNNING report takes the job; the sweeper looks again after queued-timeout
        from("direct:job-sweep-waiting").routeId("job-sweep-waiting")
                .to(RELEASE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                    .log("Job ${header.jobId} waits in line: its dispatch is still on its queue, so it is not"
                            + " dispatched again (${header.reason})")
                .end();

        from("direct:job-sweep-redispatch").routeId("job-sweep-redispatch")
                .to(RELEASE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                    .log(LoggingLevel.WARN, "Dispatching job ${header.jobId} again: ${header.reason}")
                    .to("direct:job-dispatch")
                .end();
    }
}
