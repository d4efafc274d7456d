package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.ops.Printable;
import io.connecta.orchestrator.metrics.JobMetrics;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;

/**
 * The job table on camel-sql, as internal steps for the other job routes (failures go back to the caller).
 * Every state change is forward only: its WHERE clause compares state ranks, so a duplicate or late message
 * changes nothing.
 */
@Component
public class JobStoreRoutes extends RouteBuilder {

    static final String COLUMNS = "job_id, worker_type, profile_id, profile_version, origin, state, state_rank,"
            + " input_blob_id, input_file, input_name, input_bytes, result_blob_id, exit_code, error, idempotency_key,"
            + " correlation_id, reply_to, attempt, worker_instance_id, created_at, updated_at, started_at, finished_at,"
            + " worker_incarnation";
    private static final String INSERT = "sql:INSERT INTO job (job_id, worker_type, profile_id, origin, state,"
            + " state_rank, input_blob_id, input_file, input_name, input_bytes, idempotency_key, correlation_id,"
            + " reply_to, attempt, created_at, updated_at) VALUES (:#jobId, :#workerType, :#profileId, :#origin,"
            + " 'PENDING', 0, :#inputBlobId, :#inputFile, :#inputName, :#inputBytes, :#idempotencyKey,"
            + " :#correlationId, :#replyTo, 0, :#now, :#now)";
    private static final String SELECT_ONE = "sql:SELECT " + COLUMNS + " FROM job WHERE job_id = :#jobId"
            + "?outputType=SelectOne";
    private static final String SELECT_BY_KEY = "sql:SELECT " + COLUMNS + " FROM job WHERE idempotency_key = :#key"
            + "?outputType=SelectOne";
    private static final String INSERT_WORKER_RUN = "sql:INSERT INTO job (job_id, worker_type, profile_id,"
            + " profile_version, origin, state, state_rank, input_name, result_blob_id, exit_code, error, attempt,"
            + " worker_instance_id, worker_incarnation, created_at, updated_at, started_at, finished_at) VALUES (:#jobId,"
            + " :#workerType, :#profileId, :#profileVersion, :#origin, :#state, :#rank, :#inputName, :#resultBlobId,"
            + " :#exitCode, :#error, :#attempt, :#workerInstanceId, :#workerIncarnation, :#now, :#now, :#startedAt,"
            + " :#finishedAt)";
    static final String ADVANCE = "sql:UPDATE job SET state = :#state, state_rank = :#rank, updated_at = :#now,"
            + " started_at = COALESCE(started_at, :#startedAt), finished_at = :#finishedAt, exit_code = :#exitCode,"
            + " error = :#error, result_blob_id = :#resultBlobId,"
            + " worker_instance_id = COALESCE(:#workerInstanceId, worker_instance_id),"
            + " profile_version = COALESCE(:#profileVersion, profile_version),"
            // the real count of runs: a result reports the broker's redeliveries too; never lowered
            + " attempt = GREATEST(attempt, COALESCE(:#attempt, attempt)),"
            + " worker_incarnation = COALESCE(:#workerIncarnation, worker_incarnation)"
            + " WHERE job_id = :#jobId AND state_rank < :#rank";
    // a RUNNING report of a job already RUNNING elsewhere (another instance, or the same one restarted: another
    // incarnation): the broker redelivered the job (its worker died) or the sweeper dispatched it again; the job now
    // runs on the reporting worker (not a state change: no metrics)
    private static final String TAKE_OVER = "sql:UPDATE job SET worker_instance_id = :#workerInstanceId,"
            + " worker_incarnation = :#workerIncarnation, attempt = GREATEST(attempt, COALESCE(:#attempt, attempt)),"
            + " updated_at = :#now WHERE job_id = :#jobId AND state = 'RUNNING'"
            + " AND (worker_instance_id IS NULL OR worker_instance_id <> :#workerInstanceId"
            // a report without an incarnation (an older worker) compares equal here
            + " OR COALESCE(worker_incarnation, '') <> COALESCE(:#workerIncarnation, worker_incarnation, ''))"
            // a late report of an earlier delivery (the first worker's RUNNING, held up, after the broker gave the job
            // to a second one) takes nothing back; a report without an attempt (an older worker) is not compared
            + " AND attempt <= COALESCE(:#attempt, attempt)"
            // a late report of an incarnation its worker no longer runs under (its restart registered another)
            // takes nothing over: the job would look lost again to the sweeper
            + " AND NOT EXISTS (SELECT 1 FROM worker w WHERE w.instance_id = :#workerInstanceId"
            + " AND w.incarnation <> COALESCE(:#workerIncarnation, w.incarnation))";

    private final JobRows rows;
    private final JobMetrics metrics;

    public JobStoreRoutes(JobRows rows, JobMetrics metrics) {
        this.rows = rows;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        // body: NewJob, header inputBytes (optional) → the row is written, body unchanged
        from("direct:job-record").routeId("job-record").errorHandler(noErrorHandler())
                .setProperty("connectaNewJob", body())
                .process(e -> {
                    NewJob job = e.getMessage().getBody(NewJob.class);
                    Map<String, Object> p = new HashMap<>();
                    p.put("jobId", job.jobId());
                    p.put("workerType", job.workerType());
                    p.put("profileId", job.profileId());
                    p.put("origin", job.origin().name());
                    p.put("inputBlobId", job.inputBlobId());
                    p.put("inputFile", job.inputFile());
                    p.put("inputName", job.inputName());
                    p.put("inputBytes", e.getMessage().getHeader("inputBytes", Long.class));
                    p.put("idempotencyKey", job.idempotencyKey());
                    p.put("correlationId", job.correlationId());
                    p.put("replyTo", job.replyTo());
                    p.put("now", rows.now());
                    e.getMessage().setBody(p);
                })
                .to(INSERT)
                .setBody(exchangeProperty("connectaNewJob"))
                .process(e -> {
                    NewJob job = e.getMessage().getBody(NewJob.class);
                    e.getMessage().setHeader("jobId", job.jobId());
                    log.info("Job {} recorded: {}/{} from {}", job.jobId(), job.workerType(), job.profileId(), job.origin());
                    metrics.submitted(job.workerType(), job.profileId());
                });

        // header jobId → body: the JobView, or null
        from("direct:job-load").routeId("job-load").errorHandler(noErrorHandler())
                .to(SELECT_ONE)
                .setBody(e -> e.getMessage().getBody() == null ? null : rows.fromRow(e.getMessage().getBody(Map.class)));

        // header key → body: the JobView recorded under that Idempotency-Key, or null
        from("direct:job-find-by-key").routeId("job-find-by-key").errorHandler(noErrorHandler())
                .setBody(constant(null))
                .filter(header("key").isNotNull())
                    .to(SELECT_BY_KEY)
                    .setBody(e -> e.getMessage().getBody() == null ? null : rows.fromRow(e.getMessage().getBody(Map.class)))
                .end();

        // body: ResultMessage of a job a worker started on its own (DROP_IN) and reports for the first time
        from("direct:job-record-worker-run").routeId("job-record-worker-run").errorHandler(noErrorHandler())
                .setProperty("connectaResult", body())
                .process(e -> {
                    ResultMessage r = e.getProperty("connectaResult", ResultMessage.class);
                    Map<String, Object> p = rows.resultParams(r);
                    p.put("workerType", r.workerType());
                    p.put("profileId", r.profileId());
                    p.put("origin", r.origin().name());
                    p.put("inputName", Printable.storable(r.inputName(), JobRows.INPUT_NAME_LENGTH));
                    // the drop-in's own count of runs of this job, if it keeps one
                    p.put("attempt", r.attempt() == null ? 1 : r.attempt());
                    e.getMessage().setBody(p);
                    metrics.submitted(r.workerType(), r.profileId());
                })
                .to(INSERT_WORKER_RUN)
                .setBody(exchangeProperty("connectaResult"));

        // body: ResultMessage → header CamelSqlUpdateCount is 1 when the job moved forward
        from("direct:job-advance").routeId("job-advance").errorHandler(noErrorHandler())
                .setProperty("connectaResult", body())
                .setBody(e -> rows.resultParams(e.getProperty("connectaResult", ResultMessage.class)))
                .to(ADVANCE)
                .filter(e -> e.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class) == 0
                        && e.getProperty("connectaResult", ResultMessage.class).status() == JobState.RUNNING
                        && e.getProperty("connectaResult", ResultMessage.class).workerInstanceId() != null)
                    .to(TAKE_OVER)
                    .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
                        .log("Job ${body[jobId]} now runs on worker ${body[workerInstanceId]}")
                    .end()
                    .setHeader(SqlConstants.SQL_UPDATE_COUNT, constant(0))
                .end()
                .setBody(exchangeProperty("connectaResult"));
    }
}
