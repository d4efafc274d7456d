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
 * <p>
 * {@code attempt} is the run this result belongs to as the worker counts it: the dispatch's attempt plus the
 * broker's redeliveries of that dispatch ({@code JMSXDeliveryCount - 1}), so a run handed to another worker after a
 * crash counts. {@code workerIncarnation} names the worker's JVM run (a new UUID at each start, as in its
 * registration): a job RUNNING under an incarnation its worker no longer has was lost with a restart.
 * Both are optional (null from older workers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResultMessage(String jobId, JobState status, String resultBlobId, Integer exitCode, String error,
                            Instant startedAt, Instant finishedAt, String workerInstanceId, Long profileVersion,
                            JobOrigin origin, String workerType, String profileId, String inputName,
                            Integer attempt, String workerIncarnation) {

    /** A result of a job the orchestrator dispatched. */
    public ResultMessage(String jobId, JobState status, String resultBlobId, Integer exitCode, String error,
                         Instant startedAt, Instant finishedAt, String workerInstanceId, Long profileVersion) {
        this(jobId, status, resultBlobId, exitCode, error, startedAt, finishedAt, workerInstanceId, profileVersion,
                null, null, null, null, null, null);
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
                profileVersion, jobOrigin, type, profile, input, attempt, workerIncarnation);
    }

    /** This result as one of run {@code run} (1 = the first) of the worker's JVM run {@code incarnation}. */
    public ResultMessage ofRun(Integer run, String incarnation) {
        return new ResultMessage(jobId, status, resultBlobId, exitCode, error, startedAt, finishedAt, workerInstanceId,
                profileVersion, origin, workerType, profileId, inputName, run, incarnation);
    }
}
