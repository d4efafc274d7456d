package io.connecta.cu.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobNotFoundException;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.DispatchMessage;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** The steps of {@link CuJobRoutes}: one job from its dispatch message to its result message. */
@Component
@EnableConfigurationProperties(CuJobProperties.class)
public class CuJob {

    static final String DISPATCH = "connectaDispatch";
    static final String STARTED = "connectaStarted";
    static final String RESULT_BLOB = "connectaResultBlob";
    static final String WORK_DIR = "connectaWorkDir";

    private final ObjectMapper json;
    private final WorkerIdentity identity;
    private final CuJobProperties properties;
    private final Clock clock;

    public CuJob(ObjectMapper json, WorkerIdentity identity, CuJobProperties properties, Clock clock) {
        this.json = json;
        this.identity = identity;
        this.properties = properties;
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
        in.setHeader("jobId", dispatch.jobId());
        in.setHeader("profileId", dispatch.profileId());
    }

    public void createWorkDir(Exchange e) throws IOException {
        DispatchMessage dispatch = e.getProperty(DISPATCH, DispatchMessage.class);
        Path root = Path.of(properties.getWorkRoot()).toAbsolutePath().normalize();
        Files.createDirectories(root);
        Path dir = Files.createDirectory(root.resolve(dispatch.jobId() + "-" + UUID.randomUUID().toString().substring(0, 8)));
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

    /** A file-reference job: the input is copied from the shared root, and only from inside it. */
    public void copySharedInput(Exchange e) throws IOException {
        DispatchMessage dispatch = e.getProperty(DISPATCH, DispatchMessage.class);
        Path source = sharedPath(dispatch.file());
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new JobFailedException("input file '" + dispatch.file() + "' does not exist in the shared root");
        }
        Files.copy(source, workDir(e).resolve(CuExec.INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Resolves a relative path under the shared root; anything that leaves the root is refused. */
    Path sharedPath(String relative) throws IOException {
        Path root = Path.of(properties.getFileRoot()).toAbsolutePath().normalize();
        Path candidate = root.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !candidate.startsWith(root)) {
            throw new JobFailedException("file '" + relative + "' is outside the shared root");
        }
        if (Files.exists(candidate)) {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw new JobFailedException("file '" + relative + "' leads outside the shared root");
            }
        }
        return candidate;
    }

    /** Sets up the output upload of a successful run. */
    public void aimOutputUpload(Exchange e) {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        e.setProperty("connectaOutcome", outcome);
        String blobId = "jobs/" + e.getMessage().getHeader("jobId", String.class) + "/output";
        e.setProperty(RESULT_BLOB, blobId);
        e.getMessage().setHeader(BlobStore.BLOB_ID, blobId);
        e.getMessage().setBody(outcome.outputFile().toFile());
    }

    public void succeeded(Exchange e) throws JsonProcessingException {
        ExecOutcome outcome = e.getProperty("connectaOutcome", ExecOutcome.class);
        report(e, JobState.SUCCEEDED, e.getProperty(RESULT_BLOB, String.class), outcome.exitCode(), null);
    }

    public void failedRun(Exchange e) throws JsonProcessingException {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        String tail = outcome.stderrTail() == null || outcome.stderrTail().isBlank() ? ""
                : "; stderr: " + outcome.stderrTail().strip();
        report(e, JobState.FAILED, null, outcome.exitCode(), outcome.reason() + tail);
    }

    /** A failure that ends the job: the reason is the exception's message. */
    public void failedWith(Exchange e) throws JsonProcessingException {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause instanceof ApiProblemException || cause instanceof JobFailedException
                || cause instanceof BlobNotFoundException ? cause.getMessage()
                : "gave up after " + e.getMessage().getHeader("JMSXDeliveryCount") + " attempts: " + cause;
        report(e, JobState.FAILED, null, null, reason);
    }

    public void running(Exchange e) throws JsonProcessingException {
        report(e, JobState.RUNNING, null, null, null);
    }

    private void report(Exchange e, JobState state, String resultBlobId, Integer exitCode, String error)
            throws JsonProcessingException {
        String jobId = e.getMessage().getHeader("jobId", String.class);
        CuProfile profile = e.getProperty(CuExec.PROFILE, CuProfile.class);
        Instant started = e.getProperty(STARTED, Instant.class);
        ResultMessage result = new ResultMessage(jobId, state, resultBlobId, exitCode, error,
                started == null ? clock.instant() : started, state.isTerminal() ? clock.instant() : null,
                identity.instanceId(), profile == null ? null : profile.version());
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
