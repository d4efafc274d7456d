package io.connecta.cu.dropin;

import io.connecta.common.job.JobState;
import io.connecta.cu.exec.CuExec;
import io.connecta.cu.exec.ExecOutcome;
import io.connecta.cu.jobs.CuJob;
import io.connecta.cu.jobs.OwnJob;
import io.connecta.cu.registration.WorkerIdentity;
import io.connecta.profiles.CuProfileValidator;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.FileConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The steps of {@link DropInRoutes}: a file in {@code <root>/<profileId>/in/} becomes a CU run whose output goes to
 * {@code out/<name>}; the input then moves to {@code done/}, or on failure to {@code error/} with
 * {@code <name>.error.txt} beside it. A name already taken in done/ or error/ gets the job's id as a suffix.
 */
@Component
public class DropIn {

    private static final Logger LOG = LoggerFactory.getLogger(DropIn.class);

    /** The dropped file (a {@link Path}) in {@code in/}. */
    static final String FILE = "connectaDropInFile";

    /** Set once RUNNING has been reported: a later infrastructure failure must end that job. */
    static final String REPORTED_RUNNING = "connectaDropInRunning";

    static final List<String> FOLDERS = List.of("in", "out", "done", "error");

    private final WorkerIdentity identity;
    private final CuJob job;
    private final Clock clock;
    private final Path root;

    public DropIn(WorkerIdentity identity, CuJob job, Clock clock, @Value("${connecta.cu.dropin.root}") String root) {
        this.identity = identity;
        this.job = job;
        this.clock = clock;
        this.root = Path.of(root).toAbsolutePath().normalize();
    }

    /** A new job for the dropped file: headers jobId and profileId (the file's profile folder). */
    public void begin(Exchange e) {
        Message m = e.getMessage();
        Path file = Path.of(m.getHeader(FileConstants.FILE_PATH, String.class)).toAbsolutePath();
        String profileId = file.getParent().getParent().getFileName().toString();
        String name = file.getFileName().toString();
        String jobId = UUID.randomUUID().toString();
        e.setProperty(FILE, file);
        e.setProperty(CuJob.STARTED, clock.instant());
        e.setProperty(CuJob.OWN_JOB, new OwnJob(profileId, name));
        m.setHeader("jobId", jobId);
        m.setHeader("profileId", profileId);
    }

    public boolean isGone(Exchange e) {
        return !Files.exists(file(e));
    }

    /** A job that met infrastructure trouble: FAILED; the file stays in in/ and comes again as a new job. */
    public void retryLater(Exchange e) throws IOException {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        job.report(e, JobState.FAILED, null, null, "the worker could not finish the run (" + cause
                + "); the file stays in in/ and runs again as a new job");
    }

    /** The dropped file becomes the input file of the work dir; the original stays in in/ until the job ends. */
    public void copyInput(Exchange e) throws IOException {
        Path workDir = e.getMessage().getHeader(CuExec.WORK_DIR, Path.class);
        Files.copy(file(e), workDir.resolve(CuExec.INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A successful run: the output replaces {@code out/<name>} (written under a hidden temporary name, then renamed,
     * so a reader never sees half of it), and the input moves to done/. Body: the {@link ExecOutcome}.
     */
    public void deliver(Exchange e) throws IOException {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        e.setProperty(CuJob.OUTCOME, outcome);
        Path file = file(e);
        Path out = Files.createDirectories(profileFolder(file).resolve("out"));
        Path part = out.resolve("." + file.getFileName() + "." + jobId(e) + ".part");
        try {
            Files.copy(outcome.outputFile(), part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, out.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        Path done = moveAside(e, "done");
        LOG.info("Drop-in {}: {} SUCCEEDED; output {}, input now {}", jobId(e), file.getFileName(),
                out.resolve(file.getFileName()), done);
    }

    /** A run that failed: the input moves to error/ with the reason. Body: the {@link ExecOutcome}. */
    public void reject(Exchange e) throws IOException {
        park(e, CuJob.failureReason(e.getMessage().getBody(ExecOutcome.class)));
    }

    /** A file that could not run at all (unknown profile): it moves to error/ with the exception's message. */
    public void refuse(Exchange e) throws IOException {
        park(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage());
    }

    /** Only a folder named like a profile id makes a job the orchestrator can record; others only get error/. */
    public boolean reportable(Exchange e) {
        return CuProfileValidator.isWellFormedId(e.getProperty(CuJob.OWN_JOB, OwnJob.class).profileId());
    }

    /** Body: the rows of {@code SELECT id FROM cu_profile}; every profile gets its in/, out/, done/ and error/. */
    public void createFolders(Exchange e) throws IOException {
        for (Object row : e.getMessage().getBody(List.class)) {
            String id = String.valueOf(((Map<?, ?>) row).values().iterator().next());
            if (!CuProfileValidator.isWellFormedId(id)) {
                continue;
            }
            Path folder = root.resolve(id);
            if (!Files.isDirectory(folder.resolve("in"))) {
                for (String sub : FOLDERS) {
                    Files.createDirectories(folder.resolve(sub));
                }
                LOG.info("Drop-in folder ready for profile {}: {}", id, folder.resolve("in"));
            }
        }
    }

    private void park(Exchange e, String reason) throws IOException {
        Path file = file(e);
        Path error = Files.createDirectories(profileFolder(file).resolve("error"));
        String name = freeName(error, file.getFileName().toString(), jobId(e));
        OwnJob own = e.getProperty(CuJob.OWN_JOB, OwnJob.class);
        String text = file.getFileName() + " was not processed: " + reason + "\n"
                + "profile: " + own.profileId() + "\n"
                + "job: " + jobId(e) + "\n"
                + "worker: " + identity.instanceId() + "\n"
                + "at: " + clock.instant() + "\n";
        Files.writeString(error.resolve(name + ".error.txt"), text);
        Files.move(file, error.resolve(name));
        LOG.warn("Drop-in {}: {} FAILED and moved to {}: {}", jobId(e), file.getFileName(), error.resolve(name), reason);
    }

    /** Moves the input into a sibling folder of in/, under its own name or, if that is taken, a unique one. */
    private Path moveAside(Exchange e, String folderName) throws IOException {
        Path file = file(e);
        Path folder = Files.createDirectories(profileFolder(file).resolve(folderName));
        String name = freeName(folder, file.getFileName().toString(), jobId(e));
        try {
            return Files.move(file, folder.resolve(name));
        } catch (FileAlreadyExistsException raced) {
            return Files.move(file, folder.resolve(suffixed(name, jobId(e))));
        }
    }

    /** {@code name} if the folder has no such file, else {@code <base>-<jobId prefix><ext>}. */
    static String freeName(Path folder, String name, String jobId) {
        if (!Files.exists(folder.resolve(name)) && !Files.exists(folder.resolve(name + ".error.txt"))) {
            return name;
        }
        String shortId = suffixed(name, jobId.substring(0, 8));
        return Files.exists(folder.resolve(shortId)) ? suffixed(name, jobId) : shortId;
    }

    private static String suffixed(String name, String suffix) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "-" + suffix + name.substring(dot) : name + "-" + suffix;
    }

    private static Path profileFolder(Path file) {
        return file.getParent().getParent();
    }

    private static Path file(Exchange e) {
        return e.getProperty(FILE, Path.class);
    }

    private static String jobId(Exchange e) {
        return e.getMessage().getHeader("jobId", String.class);
    }
}
