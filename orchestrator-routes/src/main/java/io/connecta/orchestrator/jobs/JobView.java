package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobState;

import java.time.Instant;

/** A job as the FE API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String jobId, String workerType, String profileId, Long profileVersion, JobOrigin origin,
                      JobState status, String inputBlobId, String inputFile, String inputName, Long inputBytes,
                      String resultBlobId, Integer exitCode, String error, String correlationId, int attempt,
                      String workerInstanceId, Instant createdAt, Instant updatedAt, Instant startedAt,
                      Instant finishedAt) {
}
