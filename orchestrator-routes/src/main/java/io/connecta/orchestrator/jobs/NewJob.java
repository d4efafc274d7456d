package io.connecta.orchestrator.jobs;

import io.connecta.common.job.JobOrigin;

/** A job about to be recorded, from whichever door it came in. */
public record NewJob(String jobId, String workerType, String profileId, JobOrigin origin, String inputBlobId,
                     String inputFile, String inputName, String idempotencyKey, String correlationId, String replyTo) {

    public NewJob withInputBlob(String blobId) {
        return new NewJob(jobId, workerType, profileId, origin, blobId, inputFile, inputName, idempotencyKey,
                correlationId, replyTo);
    }
}
