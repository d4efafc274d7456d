package io.connecta.cu.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobNotFoundException;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.DispatchMessage;
import io.connecta.common.job.JobOrigin;
import io.connecta.common.job.JobState;
import io.connecta.common.job.ResultMessage;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.cu.exec.CuExec;
import io.connecta.cu.exec.ExecOutcome;
import io.connecta.cu.registration.WorkerIdentity;
import io.connecta.profiles.CuProfile;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The steps of {@link CuJobRoutes}: one job from its dispatch message to its result message. The drop-in routes
 * ({@code io.connecta.cu.dropin}) share the work directory, the failure reasons and the result reports.
 */
@Component
@EnableConfigurationProperties(CuJobProperties.class)
public class CuJob {

    static final String DISPATCH = "connectaDispatch";
    /** When the job started (an {@link Instant}); set by whoever starts a job. */
    public static final String STARTED = "connectaStarted";
    /** The blob id of a job's uploaded output; absent when the output went elsewhere (a file). */
    public static final String RESULT_BLOB = "connectaResultBlob";
    /** The {@link ExecOutcome} of a successful run, kept while the body carries the output on its way. */
    public static final String OUTCOME = "connectaOutcome";
    /** A job the worker started on its own (an {@link OwnJob}): its results say so, for the orchestrator to record it. */
    public static final String OWN_JOB = "connectaOwnJob";
    static final String WORK_DIR = "connectaWorkDir";
    /**
     * Which run of the job this is (an Integer, 1 = the first): the dispatch's attempt plus the broker's redeliveries
     * of that dispatch, so a run handed to another worker by a crash or a stop counts. Absent: 1 (a drop-in file).
     */
    static final String RUN = "connectaRun";
    /** A job id as a part of a folder name; anything else gets a neutral name. */
    private static final Pattern SAFE_JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ObjectMapper json;
    private final WorkerIdentity identity;
    private final CuJobProperties properties;
    private final WorkRoot workRoot;
    private final Clock clock;

    public CuJob(ObjectMapper json, WorkerIdentity identity, CuJobProperties properties, WorkRoot workRoot,
                 Clock clock) {
        this.json = json;
        this.identity = identity;
        this.properties = properties;
        this.workRoot = workRoot;
        this.clock = clock;
    }

    public void readDispatch(Exchange e) {
        Message in = e.getMessage();
        DispatchMessage dispatch;
        try {
            dispatch = json.readValue(in.getBody(String.class), DispatchMessage.class);
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            throw new JobFailedException("not a JSON dispatch message: " + ex.getMessage());
        }
        if (dispatch == null || dispatch.jobId() == null || dispatch.profileId() == null) {
            throw new JobFailedException("a dispatch message needs jobId and profileId");
        }
        if ((dispatch.blobId() == null) == (dispatch.file() == null)) {
            throw new JobFailedException("a dispatch message needs exactly one of blobId and file");
        }
        e.setProperty(DISPATCH, dispatch);
        e.setProperty(STARTED, clock.instant());
        Integer deliveries = in.getHeader("JMSXDeliveryCount", 1, Integer.class);
        e.setProperty(RUN, Math.max(1, dispatch.attempt()) + Math.max(0, deliveries - 1));
        in.setHeader("jobId", dispatch.jobId());
        in.setHeader("profileId", dispatch.profileId());
    }

    /** A fresh work directory for the job of header {@code jobId}, in this worker instance's own folder. */
    public void createWorkDir(Exchange e) throws IOException {
        String jobId = e.getMessage().getHeader("jobId", String.class);
        Path root = workRoot.jobsDir();
        Files.createDirectories(root);
        String name = jobId != null && SAFE_JOB_ID.matcher(jobId).matches() ? jobId : "job";
        Path dir = Files.createDirectory(root.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        e.getMessage().setHeader(CuExec.WORK_DIR, dir);
        // a property too: it outlives error handlers that restore the original message
        e.setProperty(WORK_DIR, dir);
    }

    public boolean hasInputBlob(Exchange e) {
        return e.getProperty(DISPATCH, DispatchMessage.class).blobId() != null;
    }

    public void aimInputDownload(Exchange e) {
        e.getMessage().setHeader(BlobStore.BLOB_ID, e.getProperty(DISPATCH, DispatchMessage.class).blobId());
    }

    /** Body: the input stream from the blob store → the work dir's input file. */
    public void saveInput(Exchange e) throws IOException {
        Path input = workDir(e).resolve(CuExec.INPUT_FILE);
        try (InputStream in = e.getMessage().getMandatoryBody(InputStream.class)) {
            Files.copy(in, input, StandardCopyOption.REPLACE_EXISTING);
        } catch (org.apache.camel.InvalidPayloadException ex) {
            throw new IOException("the blob store gave no content", ex);
        }
        e.getMessage().setBody(null);
    }

    /**
     * A file-reference job: the input is read from the shared root, and only from inside it. The file is read
     * through its real path (links resolved and checked), so a link swapped in after the check leads nowhere else.
     */
    public void copySharedInput(Exchange e) throws IOException {
        DispatchMessage dispatch = e.getProperty(DISPATCH, DispatchMessage.class);
        Path source = sharedPath(dispatch.file());
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailedException("input file '" + dispatch.file() + "' does not exist in the shared root");
        }
        Path real = source.toRealPath();
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailedException("input file '" + dispatch.file() + "' is not a regular file");
        }
        Files.copy(real, workDir(e).resolve(CuExec.INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The output of a successful file-reference job goes beside its input, as {@code <file>.out} (replacing an
     * earlier one), inside the shared root; it is written under a hidden temporary name and then renamed, so a reader
     * never sees half of it. Body: the {@link ExecOutcome}.
     */
    public void writeSharedOutput(Exchange e) throws IOException {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        e.setProperty(OUTCOME, outcome);
        DispatchMessage dispatch = e.getProperty(DISPATCH, DispatchMessage.class);
        String relative = sharedOutputOf(dispatch.file());
        Path target = sharedPath(relative);
        if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailedException("output file '" + relative + "' exists and is not a plain file; it is left alone");
        }
        Path part = target.resolveSibling("." + target.getFileName() + "." + dispatch.jobId() + ".part");
        try {
            Files.copy(outcome.outputFile(), part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Where a file-reference job's output goes: beside its input, relative to the shared root. */
    public static String sharedOutputOf(String file) {
        return file + ".out";
    }

    /**
     * Resolves a path relative to the shared root; anything that could leave the root is refused with the reason:
     * absolute paths, empty, {@code .} or {@code ..} segments (even those that would stay inside), and links, in the
     * path or in its folders, whose real target lies outside the root.
     */
    Path sharedPath(String relative) throws IOException {
        if (relative == null || relative.isBlank() || relative.length() > 1024 || relative.indexOf('\0') >= 0) {
            throw new JobFailedException("file '" + relative + "' is not a relative path of 1..1024 characters");
        }
        if (relative.startsWith("/")) {
            throw new JobFailedException("file '" + relative + "' is an absolute path; only paths relative to the shared"
                    + " root are accepted");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new JobFailedException("file '" + relative + "' has an empty, '.' or '..' segment; only plain"
                        + " paths inside the shared root are accepted");
            }
        }
        Path root = Path.of(properties.getFileRoot()).toAbsolutePath().normalize();
        Path candidate;
        try {
            candidate = root.resolve(relative).normalize();
        } catch (InvalidPathException ex) {
            throw new JobFailedException("file '" + relative + "' is not a valid path: " + ex.getMessage());
        }
        if (!candidate.startsWith(root) || candidate.equals(root)) {
            throw new JobFailedException("file '" + relative + "' is outside the shared root");
        }
        if (!Files.isDirectory(root)) {
            throw new JobFailedException("the shared root " + root + " does not exist on this worker");
        }
        Path realRoot = root.toRealPath();
        // the file itself if it exists, else the nearest folder above it that does: its real place must be in the root
        Path existing = candidate;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        boolean dangling = !Files.exists(existing);
        if (dangling || !existing.toRealPath().startsWith(realRoot)) {
            throw new JobFailedException("file '" + relative + "' leads outside the shared root (through a link)");
        }
        return candidate;
    }

    /** Sets up the output upload of a successful run. */
    public void aimOutputUpload(Exchange e) {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        e.setProperty(OUTCOME, outcome);
        String blobId = ResultMessage.resultBlobId(e.getMessage().getHeader("jobId", String.class));
        e.setProperty(RESULT_BLOB, blobId);
        e.getMessage().setHeader(BlobStore.BLOB_ID, blobId);
        e.getMessage().setBody(outcome.outputFile().toFile());
    }

    public void succeeded(Exchange e) throws JsonProcessingException {
        ExecOutcome outcome = e.getProperty(OUTCOME, ExecOutcome.class);
        report(e, JobState.SUCCEEDED, e.getProperty(RESULT_BLOB, String.class), outcome.exitCode(), null);
    }

    public void failedRun(Exchange e) throws JsonProcessingException {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        report(e, JobState.FAILED, null, outcome.exitCode(), failureReason(outcome));
    }

    /** Why a run failed, with the end of the CU's stderr. */
    public static String failureReason(ExecOutcome outcome) {
        String tail = outcome.stderrTail() == null || outcome.stderrTail().isBlank() ? ""
                : "; stderr: " + outcome.stderrTail().strip();
        return outcome.reason() + tail;
    }

    /**
     * Whether an exception is the job's own failure (it cannot run as asked: FAILED at once, no retry) rather than the
     * infrastructure's (retried): unknown profile, missing input or blob, a 4xx problem. A 5xx problem (a store or
     * service that is away) is the infrastructure's.
     */
    public static boolean isJobFailure(Throwable cause) {
        return cause instanceof JobFailedException || cause instanceof BlobNotFoundException
                || cause instanceof ApiProblemException problem && problem.status() < 500;
    }

    /** A failure that ends the job: the reason is the exception's message. */
    public void failedWith(Exchange e) throws JsonProcessingException {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = isJobFailure(cause) ? cause.getMessage()
                : "gave up after " + e.getMessage().getHeader("JMSXDeliveryCount") + " attempts: " + cause.getMessage();
        report(e, JobState.FAILED, null, null, reason);
    }

    public void running(Exchange e) throws JsonProcessingException {
        report(e, JobState.RUNNING, null, null, null);
    }

    /**
     * The body becomes the JSON {@link ResultMessage} of the job (its dispatch's id, else header {@code jobId}); the
     * error as {@link JobErrorText#forApi} shows it; the run's attempt and this worker's incarnation.
     */
    public void report(Exchange e, JobState state, String resultBlobId, Integer exitCode, String error)
            throws JsonProcessingException {
        DispatchMessage dispatch = e.getProperty(DISPATCH, DispatchMessage.class);
        // the dispatch's own id where the header is gone (an error handler that restored the original message)
        String jobId = dispatch != null ? dispatch.jobId() : e.getMessage().getHeader("jobId", String.class);
        CuProfile profile = e.getProperty(CuExec.PROFILE, CuProfile.class);
        Instant started = e.getProperty(STARTED, Instant.class);
        ResultMessage result = new ResultMessage(jobId, state, resultBlobId, exitCode, JobErrorText.forApi(error),
                started == null ? clock.instant() : started, state.isTerminal() ? clock.instant() : null,
                identity.instanceId(), profile == null ? null : profile.version())
                .ofRun(e.getProperty(RUN, 1, Integer.class), identity.incarnation());
        OwnJob own = e.getProperty(OWN_JOB, OwnJob.class);
        if (own != null) {
            result = result.workerStarted(JobOrigin.DROP_IN, identity.registration().workerType(), own.profileId(),
                    own.inputName());
        }
        Message m = e.getMessage();
        m.removeHeaders("*", CuExec.WORK_DIR);
        m.setHeader("jobId", jobId);
        m.setBody(json.writeValueAsString(result));
    }

    public void removeWorkDir(Exchange e) throws IOException {
        Path dir = e.getProperty(WORK_DIR, Path.class);
        if (dir != null) {
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    private static Path workDir(Exchange e) {
        return e.getMessage().getHeader(CuExec.WORK_DIR, Path.class);
    }
}
