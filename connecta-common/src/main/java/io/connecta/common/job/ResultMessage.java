package io.connecta.common.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * Body of {@code connecta.jobs.results}: a worker reports a job RUNNING when it starts and SUCCEEDED or FAILED
 * when it ends. {@code profileVersion} is the version of the profile the worker loaded.
 * <p>
 * A job the worker started on its own (a legacy drop-in file, origin {@code DROP_IN}) is not known to the
 * orchestrator yet: its results also carry {@code origin}, {@code workerType}, {@code profileId} and
 * {@code inputName}, and the first of them to arrive records the job.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResultMessage(String jobId, JobState status, String resultBlobId, Integer exitCode, String error,
                            Instant startedAt, Instant finishedAt, String workerInstanceId, Long profileVersion,
                            JobOrigin origin, String workerType, String profileId, String inputName) {

    /** A result of a job the orchestrator dispatched. */
    public ResultMessage(String jobId, JobState status, String resultBlobId, Integer exitCode, String error,
                         Instant startedAt, Instant finishedAt, String workerInstanceId, Long profileVersion) {
        this(jobId, status, resultBlobId, exitCode, error, startedAt, finishedAt, workerInstanceId, profileVersion,
                null, null, null, null);
    }

    /**
     * The blob a worker uploads a dispatched job's output to, and the only result blob the orchestrator accepts for
     * that job.
     */
    public static String resultBlobId(String jobId) {
        return "jobs/" + jobId + "/output";
    }

    /** This result as the report of a job the worker started on its own. */
    public ResultMessage workerStarted(JobOrigin jobOrigin, String type, String profile, String input) {
        return new ResultMessage(jobId, status, resultBlobId, exitCode, error, startedAt, finishedAt, workerInstanceId,
                profileVersion, jobOrigin, type, profile, input);
    }
}
