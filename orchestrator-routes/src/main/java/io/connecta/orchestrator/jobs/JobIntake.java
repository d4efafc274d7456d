package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.SubmitMessage;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.FieldError;
import io.connecta.common.problem.ProblemResponses;
import io.connecta.common.rest.BodyLimit;
import io.connecta.common.sql.Rows;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The steps of {@link JobIntakeRoutes}. */
@Component
public class JobIntake {

    static final String NEW_JOB = "connectaNewJob";
    static final String EXISTING = "connectaExisting";
    /** Exchange property: the request body of an upload, a stream read once, by the blob store. */
    public static final String UPLOAD = "connectaUpload";
    /** Exchange property: the SHA-256 of the upload, as the blob store (or the digest-only read) reads it. */
    static final String DIGEST = "connectaDigest";

    private final ObjectMapper json;
    private final long maxInputBytes;
    private final JobRows rows;
    private final long idempotencyWaitMs;
    private final Duration idempotencyClaimTimeout;

    public JobIntake(ObjectMapper json, JobRows rows,
                     @Value("${connecta.jobs.max-input-bytes:17179869184}") long maxInputBytes,
                     @Value("${connecta.jobs.idempotency-wait-ms:30000}") long idempotencyWaitMs,
                     @Value("${connecta.jobs.idempotency-claim-timeout:2h}") Duration idempotencyClaimTimeout) {
        this.json = json;
        this.rows = rows;
        this.maxInputBytes = maxInputBytes;
        this.idempotencyWaitMs = idempotencyWaitMs;
        this.idempotencyClaimTimeout = idempotencyClaimTimeout;
    }

    long idempotencyWaitMs() {
        return idempotencyWaitMs;
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

    /** Streams the request body into the blob store, never more than the limit, taking its SHA-256 on the way. */
    public void prepareUpload(Exchange e) {
        NewJob job = e.getProperty(NEW_JOB, NewJob.class).withInputBlob("jobs/" + e.getProperty(NEW_JOB, NewJob.class).jobId() + "/input");
        e.setProperty(NEW_JOB, job);
        Message m = e.getMessage();
        m.setBody(digesting(e));
        m.setHeader(BlobStore.BLOB_ID, job.inputBlobId());
    }

    /** After the blob store read the upload: header sha256 = its digest (hex). */
    public void uploaded(Exchange e) {
        e.getMessage().setHeader("sha256", HexFormat.of().formatHex(e.getProperty(DIGEST, MessageDigest.class).digest()));
    }

    private InputStream digesting(Exchange e) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every Java has SHA-256", ex);
        }
        e.setProperty(DIGEST, sha256);
        InputStream upload = e.getProperty(UPLOAD, InputStream.class);
        e.removeProperty(UPLOAD);
        return new DigestInputStream(BodyLimit.limit(upload, maxInputBytes), sha256);
    }

    /** Named parameters of the claim of the request's Idempotency-Key. */
    public Map<String, Object> claimParams(Exchange e) {
        NewJob job = e.getProperty(NEW_JOB, NewJob.class);
        Map<String, Object> p = new HashMap<>();
        p.put("key", job.idempotencyKey());
        p.put("jobId", job.jobId());
        p.put("workerType", job.workerType());
        p.put("profileId", job.profileId());
        p.put("inputName", job.inputName());
        p.put("now", rows.now());
        return p;
    }

    /**
     * The key was claimed before: this request must be the same request (worker type, profile, file name), else
     * 422 naming what differs, before a byte of the body is read.
     */
    public void requireSameRequest(Exchange e) {
        NewJob job = e.getProperty(NEW_JOB, NewJob.class);
        Map<String, Object> claim = Rows.caseInsensitive(castClaim(e.getProperty(JobKeyRoutes.CLAIM)));
        List<FieldError> differs = new ArrayList<>();
        compare(differs, "workerType", claim.get("worker_type"), job.workerType());
        compare(differs, "profileId", claim.get("profile_id"), job.profileId());
        compare(differs, "filename", claim.get("input_name"), job.inputName());
        if (!differs.isEmpty()) {
            throw new ApiProblemException(422, "Idempotency-Key '" + job.idempotencyKey() + "' was used for a different"
                    + " request (" + String.join(", ", differs.stream().map(FieldError::field).toList())
                    + " differ); use a new key for a new request", differs);
        }
    }

    private static void compare(List<FieldError> differs, String field, Object claimed, String requested) {
        if (!Objects.equals(claimed, requested)) {
            differs.add(new FieldError(field, "the request that used this key first had "
                    + (claimed == null ? "none" : "'" + claimed + "'")));
        }
    }

    /** Reads the body to its end for its SHA-256 only: a repeated request stores nothing. */
    public void digestOnly(Exchange e) throws IOException {
        try (InputStream in = digesting(e)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        uploaded(e);
    }

    /**
     * This request's claim of its key is gone: it outlived {@code connecta.jobs.idempotency-claim-timeout} before the
     * upload finished, the sweeper removed it, and another request may hold the key since. 409: no job was made.
     */
    public void claimExpired(Exchange e) {
        String key = e.getMessage().getHeader("key", String.class);
        throw ApiProblemException.conflict("the upload took longer than a claim of an Idempotency-Key lasts ("
                + idempotencyClaimTimeout + ", connecta.jobs.idempotency-claim-timeout): the claim of '" + key
                + "' expired and the key was freed for other requests, so no job was made and the uploaded input was"
                + " removed; send the request again");
    }

    /** While the claim is still UPLOADING and the wait has not run out. */
    static boolean claimUploading(Exchange e) {
        Map<String, Object> claim = castClaim(e.getProperty(JobKeyRoutes.CLAIM));
        return claim != null && "UPLOADING".equals(Rows.caseInsensitive(claim).get("state"))
                && System.currentTimeMillis() < e.getProperty("connectaKeyDeadline", Long.class);
    }

    /**
     * After the wait: header jobId = the claimed job when the request is the same (body digest too, where the first
     * request's is known); 422 when the body differs; 409 (retry) when the first request is still uploading or failed.
     */
    public void judgeRepeat(Exchange e) {
        String key = e.getMessage().getHeader("key", String.class);
        Map<String, Object> found = castClaim(e.getProperty(JobKeyRoutes.CLAIM));
        if (found == null) {
            throw ApiProblemException.conflict("the first request with Idempotency-Key '" + key
                    + "' failed before its job was recorded; send the request again");
        }
        Map<String, Object> claim = Rows.caseInsensitive(found);
        if ("UPLOADING".equals(claim.get("state"))) {
            throw ApiProblemException.conflict("the first request with Idempotency-Key '" + key
                    + "' is still uploading its input; send the request again later");
        }
        Object firstDigest = claim.get("input_sha256");
        if (firstDigest != null && !firstDigest.equals(e.getMessage().getHeader("sha256"))) {
            throw new ApiProblemException(422, "Idempotency-Key '" + key + "' was used for a different body (its SHA-256"
                    + " differs); use a new key for a new request", List.of(new FieldError("body",
                    "SHA-256 " + e.getMessage().getHeader("sha256") + " differs from the first request's")));
        }
        e.getMessage().setHeader("jobId", claim.get("job_id"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castClaim(Object claim) {
        return (Map<String, Object>) claim;
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
