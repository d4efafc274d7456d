package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobState;
import io.connecta.orchestrator.metrics.JobMetrics;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/** Turns a job's forward move into the job metrics. */
@Component
public class JobMetricsRecorder {

    private final JobMetrics metrics;

    public JobMetricsRecorder(JobMetrics metrics) {
        this.metrics = metrics;
    }

    /** The job as it is after a state change. */
    public void changed(JobView job) {
        if (job.status() == JobState.RUNNING) {
            metrics.started(job.workerType(), job.profileId());
        } else if (job.status().isTerminal()) {
            Instant from = job.startedAt() != null ? job.startedAt() : job.createdAt();
            Instant to = job.finishedAt() != null ? job.finishedAt() : job.updatedAt();
            metrics.finished(job.workerType(), job.profileId(), job.status().name(),
                    from == null || to == null || to.isBefore(from) ? Duration.ZERO : Duration.between(from, to));
        }
    }
}
