package io.connecta.common.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code connecta.jobs.submit}: any JMS producer asks for a job. Exactly one of blobId and file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubmitMessage(String workerType, String profileId, String blobId, String file, String correlationId) {
}
