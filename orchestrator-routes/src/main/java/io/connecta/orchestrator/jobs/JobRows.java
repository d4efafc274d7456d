package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.ops.Printable;
import io.connecta.common.sql.Rows;
import io.connecta.orchestrator.registry.WorkerRegistrationValidator;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps jobs to the named SQL parameters of {@code job} and rows to {@link JobView}s. */
@Component
public class JobRows {

    /** Length of the column {@code job.error}. */
    static final int ERROR_LENGTH = 8000;
    /** Length of the column {@code job.input_name}. */
    static final int INPUT_NAME_LENGTH = 255;
    /** The highest attempt a result may report: far above any redelivery limit, low enough to be no garbage. */
    static final int MAX_ATTEMPT = 1000;

    private final Clock clock;

    public JobRows(Clock clock) {
        this.clock = clock;
    }

    public OffsetDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
    }

    /** The parameters of a forward-only state change reported by a worker. */
    public Map<String, Object> resultParams(ResultMessage r) {
        Map<String, Object> p = new HashMap<>();
        p.put("jobId", r.jobId());
        p.put("state", r.status().name());
        p.put("rank", r.status().rank());
        p.put("now", now());
        p.put("startedAt", utc(r.startedAt()));
        p.put("finishedAt", utc(r.finishedAt()));
        p.put("exitCode", r.exitCode());
        // whatever a worker reports is stored safely in any database: NUL and lone surrogates escaped (Printable)
        p.put("error", Printable.storable(r.error(), ERROR_LENGTH));
        p.put("resultBlobId", r.resultBlobId());
        p.put("workerInstanceId", Printable.storable(r.workerInstanceId(), Integer.MAX_VALUE));
        p.put("profileVersion", r.profileVersion());
        // the run's real count (broker redeliveries included) and the worker's JVM run; null from older workers
        p.put("attempt", r.attempt());
        p.put("workerIncarnation", WorkerRegistrationValidator.incarnation(r.workerIncarnation()));
        return p;
    }

    public JobView fromRow(Map<String, Object> row) {
        Map<String, Object> r = Rows.caseInsensitive(row);
        return new JobView(
                (String) r.get("job_id"), (String) r.get("worker_type"), (String) r.get("profile_id"),
                Rows.longOrNull(r.get("profile_version")), JobOrigin.valueOf((String) r.get("origin")),
                JobState.valueOf((String) r.get("state")), (String) r.get("input_blob_id"),
                (String) r.get("input_file"), (String) r.get("input_name"), Rows.longOrNull(r.get("input_bytes")),
                (String) r.get("result_blob_id"), r.get("exit_code") == null ? null : ((Number) r.get("exit_code")).intValue(),
                (String) r.get("error"), (String) r.get("correlation_id"), ((Number) r.get("attempt")).intValue(),
                (String) r.get("worker_instance_id"), Rows.instant(r.get("created_at")), Rows.instant(r.get("updated_at")),
                Rows.instant(r.get("started_at")), Rows.instant(r.get("finished_at")));
    }

    public List<JobView> fromRows(List<Map<String, Object>> rows) {
        return rows.stream().map(this::fromRow).toList();
    }


}
