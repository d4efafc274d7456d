package io.connecta.orchestrator.jobs;

import io.connecta.common.sql.Rows;
import io.connecta.orchestrator.metrics.JobMetrics;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The decisions of {@link JobSweepRoutes}: takes rows of {@code job} (joined with {@code worker}) and gives the named
 * SQL parameters of the conditional update that ends or re-dispatches a job, with header {@code connectaSweep}
 * ({@code fail} or {@code redispatch}).
 */
@Component
public class JobSweeper {

    static final String ACTION = "connectaSweep";

    /** This orchestrator's name as a lock holder: a new one per start, so a restarted one never counts as the old. */
    private final String holder = "orchestrator-" + UUID.randomUUID();
    private final JobRows rows;
    private final JobMetrics metrics;
    private final Duration queuedTimeout;
    private final Duration workerGrace;
    private final Duration period;
    private final int maxAttempts;
    private final Duration claimTimeout;
    private final DispatchQueue queue;
    /**
     * Since when this orchestrator could hear the workers' heartbeats: its start, or the end of its last sweep that
     * failed (the database away: heartbeats failed too, and the workers back off before they try again).
     */
    private volatile Instant hearingSince;

    public JobSweeper(JobRows rows, JobMetrics metrics, DispatchQueue queue,
                      @Value("${connecta.jobs.queued-timeout:1h}") Duration queuedTimeout,
                      @Value("${connecta.jobs.worker-grace:30s}") Duration workerGrace,
                      @Value("${connecta.jobs.sweep-period-ms:30000}") long periodMs,
                      @Value("${connecta.jms.max-deliveries:10}") int maxAttempts,
                      @Value("${connecta.jobs.idempotency-claim-timeout:2h}") Duration claimTimeout) {
        this.rows = rows;
        this.metrics = metrics;
        this.queuedTimeout = queuedTimeout;
        this.workerGrace = workerGrace;
        this.period = Duration.ofMillis(periodMs);
        this.maxAttempts = maxAttempts;
        this.claimTimeout = claimTimeout;
        this.queue = queue;
        this.hearingSince = rows.now().toInstant();
    }

    /** A sweep failed (it threw): heartbeats may not have got through either; none is missed until lease and grace. */
    public void sweepFailed() {
        hearingSince = rows.now().toInstant();
    }

    /** Parameters of the lock update: held for one period, so one orchestrator sweeps per period. */
    public Map<String, Object> lockParams() {
        return Map.of("holder", holder, "now", rows.now(), "until", rows.now().plus(period));
    }

    /** Parameters of the query for jobs waiting too long for a worker. */
    public Map<String, Object> queuedParams() {
        return Map.of("cutoff", rows.now().minus(queuedTimeout));
    }

    /** Parameters of the query for Idempotency-Key claims still uploading past the claim timeout. */
    public Map<String, Object> claimParams() {
        return Map.of("cutoff", rows.now().minus(claimTimeout));
    }

    /**
     * Body: the RUNNING jobs with their worker's lease and incarnation (null when the worker deregistered) → the
     * orphans among them, each with {@code orphan} = {@code gone} (deregistered, and the job's row unchanged for the
     * grace since: a gracefully stopping worker hands its jobs back to the broker, which gives them to another worker;
     * or silent for longer than its lease and the grace, counted from its last heartbeat or, if later, from when this
     * orchestrator could hear heartbeats again: its start, the end of its last failed sweep) or {@code restarted}
     * (registered under another incarnation than the job's for longer than the grace, and the job's row unchanged for
     * as long: the broker's redelivery of the run, reported RUNNING, would have changed it).
     */
    public List<Map<String, Object>> orphans(List<Map<String, Object>> running) {
        Instant now = rows.now().toInstant();
        Instant hearing = hearingSince;
        List<Map<String, Object>> orphans = new ArrayList<>();
        for (Map<String, Object> row : running) {
            Map<String, Object> r = Rows.caseInsensitive(row);
            Instant heartbeat = Rows.instant(r.get("last_heartbeat"));
            boolean unchangedForTheGrace = Rows.instant(r.get("updated_at")).plus(workerGrace).isBefore(now);
            // silent only from when we could hear it: after an outage (this orchestrator's restart, the database
            // away) a healthy worker's heartbeat comes within its lease and the grace, not at the first sweep
            Instant silentSince = heartbeat == null || heartbeat.isBefore(hearing) ? hearing : heartbeat;
            // deregistered (its row touched then: a stopping worker's handed-back jobs get the grace too), or silent
            if ((heartbeat == null && unchangedForTheGrace)
                    || (heartbeat != null && silentSince.plusSeconds(((Number) r.get("lease_seconds")).longValue())
                    .plus(workerGrace).isBefore(now))) {
                r.put("orphan", "gone");
                orphans.add(r);
            } else if (restarted((String) r.get("incarnation"), (String) r.get("worker_incarnation"))
                    && unchangedForTheGrace && Rows.instant(r.get("registered_at")).plus(workerGrace).isBefore(now)) {
                r.put("orphan", "restarted");
                orphans.add(r);
            }
        }
        return orphans;
    }

    /** Both incarnations known and different (a worker that sends none is never taken for a restarted one). */
    private static boolean restarted(String registered, String jobRanUnder) {
        return registered != null && jobRanUnder != null && !registered.equals(jobRanUnder);
    }

    /**
     * Body: a job row found QUEUED (or RUNNING after a re-dispatch, with no worker yet) past the deadline. Fewer than
     * the max attempts: re-dispatch; else FAILED with the reason.
     */
    public void decideQueued(Exchange e) {
        Map<String, Object> r = Rows.caseInsensitive(e.getMessage().getBody(Map.class));
        int attempt = ((Number) r.get("attempt")).intValue();
        decide(e, r, attempt >= maxAttempts, "no worker took the job within " + queuedTimeout + " of its dispatch ("
                + attempt + " of " + maxAttempts + " attempts)", null);
    }

    /**
     * Body: a RUNNING job whose worker is gone or restarted ({@link #orphans}). A worker's own job (DROP_IN) ends
     * FAILED: its file stays in the drop-in's in/ folder and runs again as a new job. A dispatched job runs again, up
     * to the max attempts.
     */
    public void decideOrphan(Exchange e) {
        Map<String, Object> r = Rows.caseInsensitive(e.getMessage().getBody(Map.class));
        int attempt = ((Number) r.get("attempt")).intValue();
        String worker = (String) r.get("worker_instance_id");
        boolean dropIn = "DROP_IN".equals(r.get("origin"));
        boolean restarted = "restarted".equals(r.get("orphan"));
        String reason = "worker " + worker + (restarted ? " restarted" : " went away") + " while the job ran"
                + (dropIn ? (restarted ? "; the file runs again as a new job" : "")
                        : " (" + attempt + " of " + maxAttempts + " attempts)");
        decide(e, r, dropIn || attempt >= maxAttempts, reason, worker);
    }

    private void decide(Exchange e, Map<String, Object> r, boolean fail, String reason, String worker) {
        Map<String, Object> p = new HashMap<>();
        p.put("jobId", r.get("job_id"));
        p.put("state", r.get("state"));
        p.put("attempt", ((Number) r.get("attempt")).intValue());
        p.put("worker", worker == null ? "" : worker);
        p.put("incarnation", r.get("worker_incarnation") == null ? "" : r.get("worker_incarnation"));
        p.put("now", rows.now());
        p.put("error", reason);
        e.getMessage().setHeader("jobId", r.get("job_id"));
        e.getMessage().setHeader("workerType", r.get("worker_type"));
        e.getMessage().setHeader("reason", reason);
        e.getMessage().setHeader(ACTION, fail ? "fail" : "redispatch");
        // a job that never ran was never counted as running: count it now, so that ending it leaves the gauge as it was
        e.getMessage().setHeader("connectaNeverRan", "QUEUED".equals(r.get("state")));
        e.setProperty("connectaSweepRow", r);
        e.getMessage().setBody(p);
    }

    /**
     * Whether the job the sweeper is about to dispatch again or end ({@link #decide}) still has a dispatch message on
     * its queue: it waits behind a backlog, or a stopping worker handed it back (or a lost worker's connection, as
     * the broker takes it back), and a worker will get it. Dispatching it again would run it twice; ending it would
     * end a job that only waits. A worker's own job (DROP_IN) has no dispatch.
     */
    public boolean waitingInLine(Exchange e) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = e.getProperty("connectaSweepRow", Map.class);
        return !"DROP_IN".equals(r.get("origin"))
                && queue.holds((String) r.get("worker_type"), (String) r.get("job_id"));
    }

    /** Before a job that never ran ends: the running gauge goes up, so that its end takes it back down. */
    public void countNeverRan(Exchange e) {
        if (Boolean.TRUE.equals(e.getMessage().getHeader("connectaNeverRan", Boolean.class))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = e.getProperty("connectaSweepRow", Map.class);
            metrics.started((String) r.get("worker_type"), (String) r.get("profile_id"));
        }
    }
}
