package io.connecta.orchestrator.jobs;

import io.connecta.common.blob.BlobIds;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.SubmitMessage;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.worker.WorkerNames;
import io.connecta.orchestrator.registry.WorkerRegistrationValidator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.UUID;
import java.util.regex.Pattern;

/** Reads and checks job requests from the FE API and from {@code connecta.jobs.submit}. */
final class JobRequests {

    static final Pattern PROFILE_ID = WorkerNames.PROFILE_ID;
    static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._ -]{0,254}");
    static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");
    static final Pattern CORRELATION = Pattern.compile("[\\x20-\\x7E]{1,200}");
    static final Pattern FILE_REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/ -]{0,1023}");

    private JobRequests() {
    }

    static String newJobId() {
        return UUID.randomUUID().toString();
    }

    /** The query parameters and headers of {@code POST /api/fe/v1/jobs}; problems are 400s. */
    static NewJob fromFe(Message in) {
        String type = in.getHeader("workerType", String.class);
        String profileId = in.getHeader("profileId", String.class);
        String filename = in.getHeader("filename", String.class);
        String key = in.getHeader("Idempotency-Key", String.class);
        if (type == null || !WorkerRegistrationValidator.WORKER_TYPE.matcher(type).matches()) {
            throw ApiProblemException.badRequest("query parameter 'workerType' is required and must match "
                    + WorkerRegistrationValidator.WORKER_TYPE.pattern());
        }
        if (profileId == null || !PROFILE_ID.matcher(profileId).matches()) {
            throw ApiProblemException.badRequest("query parameter 'profileId' is required and must match "
                    + PROFILE_ID.pattern());
        }
        if (filename != null && !FILE_NAME.matcher(filename).matches()) {
            throw ApiProblemException.badRequest("query parameter 'filename' must be a plain file name");
        }
        if (key != null && !KEY.matcher(key).matches()) {
            throw ApiProblemException.badRequest("header 'Idempotency-Key' must be 1..200 visible ASCII characters");
        }
        return new NewJob(newJobId(), type, profileId, JobOrigin.FE, null, null, filename, key, null, null);
    }

    /** A submit message; problems make it invalid. */
    static NewJob fromSubmit(SubmitMessage m, String jmsCorrelationId, Object replyTo) {
        if (m == null) {
            throw new InvalidJobMessageException("empty message body: expected a JSON job request");
        }
        if (m.workerType() == null || !WorkerRegistrationValidator.WORKER_TYPE.matcher(m.workerType()).matches()) {
            throw new InvalidJobMessageException("workerType is missing or malformed");
        }
        if (m.profileId() == null || !PROFILE_ID.matcher(m.profileId()).matches()) {
            throw new InvalidJobMessageException("profileId is missing or malformed");
        }
        if ((m.blobId() == null) == (m.file() == null)) {
            throw new InvalidJobMessageException("exactly one of blobId and file is required");
        }
        if (m.blobId() != null) {
            try {
                BlobIds.check(m.blobId());
            } catch (IllegalArgumentException e) {
                throw new InvalidJobMessageException("blobId: " + e.getMessage());
            }
        }
        if (m.file() != null && (!FILE_REF.matcher(m.file()).matches() || isTraversal(m.file()))) {
            throw new InvalidJobMessageException("file must be a relative path inside the shared root, without '..'");
        }
        String correlation = m.correlationId() != null ? m.correlationId() : jmsCorrelationId;
        if (correlation != null && !CORRELATION.matcher(correlation).matches()) {
            throw new InvalidJobMessageException("correlationId must be 1..200 printable ASCII characters");
        }
        String inputName = m.file() != null ? m.file().substring(m.file().lastIndexOf('/') + 1) : null;
        return new NewJob(newJobId(), m.workerType(), m.profileId(), JobOrigin.JMS, m.blobId(), m.file(), inputName,
                null, correlation, ReplyDestinations.toUri(replyTo));
    }

    static boolean isTraversal(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return true;
            }
        }
        return path.startsWith("/") || path.contains("//");
    }

    static String location(String jobId) {
        return "/api/fe/v1/jobs/" + jobId;
    }

    static void requireJobId(Exchange e) {
        String id = e.getMessage().getHeader("jobId", String.class);
        try {
            UUID.fromString(id == null ? "" : id);
        } catch (IllegalArgumentException ex) {
            throw ApiProblemException.notFound("no job with id '" + id + "'");
        }
    }
}
