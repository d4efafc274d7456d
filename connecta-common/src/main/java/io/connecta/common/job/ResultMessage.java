package io.connecta.common.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * Body of {@code connecta.jobs.results}: a worker reports a job RUNNING when it starts and SUCCEEDED or FAILED
 * when it ends. {@code profileVersion} is the version of the profile the worker loaded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResultMessage(String jobId, JobState status, String resultBlobId, Integer exitCode, String error,
                            Instant startedAt, Instant finishedAt, String workerInstanceId, Long profileVersion) {
}
