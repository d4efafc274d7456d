package io.connecta.common.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of {@code connecta.jobs.<workerType>}: the orchestrator hands a job to the workers of a type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DispatchMessage(String jobId, String profileId, String blobId, String file, int attempt) {
}
