package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.SubmitMessage;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemResponses;
import io.connecta.common.rest.BodyLimit;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;

/** The steps of {@link JobIntakeRoutes}. */
@Component
public class JobIntake {

    static final String NEW_JOB = "connectaNewJob";
    static final String EXISTING = "connectaExisting";
    /** Exchange property: the request body of an upload, a stream read once, by the blob store. */
    public static final String UPLOAD = "connectaUpload";

    private final ObjectMapper json;
    private final long maxInputBytes;

    public JobIntake(ObjectMapper json, @Value("${connecta.jobs.max-input-bytes:17179869184}") long maxInputBytes) {
        this.json = json;
        this.maxInputBytes = maxInputBytes;
    }

    public void readFeRequest(Exchange e) {
        Message in = e.getMessage();
        e.setProperty(ProblemResponses.INSTANCE, in.getHeader(Exchange.HTTP_URI, String.class));
        NewJob job = JobRequests.fromFe(in);
        if (!isOctetStream(in.getHeader(Exchange.CONTENT_TYPE, String.class))) {
            throw new ApiProblemException(415, "Content-Type must be application/octet-stream: the body is the input bytes");
        }
        Long length = in.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (length != null && length > maxInputBytes) {
            throw new ApiProblemException(413, "input of " + length + " bytes is larger than the limit of "
                    + maxInputBytes + " bytes");
        }
        // out of the body until the blob store reads it: Camel's stream caching (of a unit of work, of the routes
        // enriched on the way, of a variable) would read the whole upload into a spool file first
        InputStream upload = e.getProperty(UPLOAD, in.getBody(InputStream.class), InputStream.class);
        if (upload == null) {
            throw ApiProblemException.badRequest("request body is required: the input bytes");
        }
        e.setProperty(UPLOAD, upload);
        in.setBody(null);
        e.setProperty(NEW_JOB, job);
        in.setHeader("key", job.idempotencyKey());
    }

    private static boolean isOctetStream(String contentType) {
        try {
            return contentType != null
                    && MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** Streams the request body into the blob store, never more than the limit. */
    public void prepareUpload(Exchange e) {
        NewJob job = e.getProperty(NEW_JOB, NewJob.class).withInputBlob("jobs/" + e.getProperty(NEW_JOB, NewJob.class).jobId() + "/input");
        e.setProperty(NEW_JOB, job);
        Message m = e.getMessage();
        m.setBody(BodyLimit.limit(e.getProperty(UPLOAD, InputStream.class), maxInputBytes));
        e.removeProperty(UPLOAD);
        m.setHeader(BlobStore.BLOB_ID, job.inputBlobId());
    }

    public void readSubmitMessage(Exchange e) throws IOException {
        Message in = e.getMessage();
        String text = in.getBody(String.class);
        SubmitMessage message;
        try {
            message = text == null || text.isBlank() ? null : json.readValue(text, SubmitMessage.class);
        } catch (JsonProcessingException ex) {
            throw new InvalidJobMessageException("not a JSON job request: " + ex.getOriginalMessage());
        }
        NewJob job = JobRequests.fromSubmit(message, in.getHeader("JMSCorrelationID", String.class),
                in.getHeader("JMSReplyTo"));
        String messageId = in.getHeader("JMSMessageID", String.class);
        // a redelivered request finds the job its first delivery recorded
        job = new NewJob(job.jobId(), job.workerType(), job.profileId(), job.origin(), job.inputBlobId(),
                job.inputFile(), job.inputName(), messageId == null ? null : "jms:" + messageId, job.correlationId(),
                job.replyTo());
        e.setProperty(NEW_JOB, job);
        in.setHeader("key", job.idempotencyKey());
    }

    /** Headers for {@code direct:profile-check}. */
    public void aimProfileCheck(Exchange e) {
        NewJob job = e.getProperty(NEW_JOB, NewJob.class);
        e.getMessage().setHeader("workerType", job.workerType());
        e.getMessage().setHeader("profileId", job.profileId());
    }

    /** Enrich strategy: keep the request (and its unread body), remember the job found under its key. */
    public static AggregationStrategy existingJob() {
        return (original, found) -> {
            if (found.getException() != null) {
                original.setException(found.getException());
            } else {
                original.setProperty(EXISTING, found.getMessage().getBody(JobView.class));
            }
            return original;
        };
    }

    /** Enrich strategy: keep the request (and its unread body), take only the check's failure. */
    public static AggregationStrategy failureOnly() {
        return (original, check) -> {
            if (check.getException() != null) {
                original.setException(check.getException());
            }
            return original;
        };
    }

    public void answer(Exchange e, int status) throws IOException {
        JobView job = e.getMessage().getBody(JobView.class);
        Message m = e.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Location", JobRequests.location(job.jobId()));
        m.setBody(json.writeValueAsString(job));
    }
}
