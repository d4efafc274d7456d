package io.connecta.cu.dropin;

import io.connecta.common.job.JobState;
import io.connecta.common.ops.Printable;
import io.connecta.cu.exec.CuExec;
import io.connecta.cu.exec.CuRuns;
import io.connecta.cu.exec.CuStoppedException;
import io.connecta.cu.exec.ExecOutcome;
import io.connecta.cu.jobs.CuJob;
import io.connecta.cu.jobs.JobErrorText;
import io.connecta.cu.jobs.JobFailedException;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of {@link DropInRoutes}: a file in {@code <root>/<profileId>/in/} becomes a CU run whose output goes to
 * {@code out/<name>}; the input then moves to {@code done/}, or on failure to {@code error/} with
 * {@code <name>.error.txt} beside it. A name already taken in done/ or error/ gets the job's id as a suffix.
 * <p>
 * Issue 10: links are never followed (a dropped link goes to error/, see also {@link DropInFilter}); a profile whose
 * folders are links is left alone, and every file is read, written and moved through its folder opened from the root
 * down without following a link ({@link #folder}), so a folder swapped for a link meanwhile leads nowhere; every name
 * made here fits in 255 bytes ({@link DropInNames}); a file that fails for the worker's own reasons runs again at the
 * next poll, at most {@code connecta.cu.dropin.max-attempts} times, and then goes to error/: it never loops.
 */
@Component
public class DropIn {

    private static final Logger LOG = LoggerFactory.getLogger(DropIn.class);

    /** The dropped file (a {@link Path}) in {@code in/}. */
    static final String FILE = "connectaDropInFile";

    /** Set once RUNNING has been reported: a later infrastructure failure must end that job. */
    static final String REPORTED_RUNNING = "connectaDropInRunning";

    static final List<String> FOLDERS = List.of("in", "out", "done", "error");

    /** The dropped file's name as log lines show it (control characters escaped). */
    static final String SHOWN_NAME = "ConnectaShownName";

    /** Beside a file in error/: why. */
    static final String REASON_SUFFIX = ".error.txt";

    /** The reason of a drop-in job the worker's stop ended (CANCELLED); its file runs again. */
    static final String HANDED_BACK = "the worker stopped before the job ended; the file runs again as a new job";

    private final WorkerIdentity identity;
    private final CuJob job;
    private final CuRuns runs;
    private final Clock clock;
    private final Path root;
    private final int maxAttempts;
    /** The profile folders whose links were logged: once each. */
    private final Set<Path> linksLogged = ConcurrentHashMap.newKeySet();
    /** Failed attempts per file (its path relative to the root), until it is done or parked. */
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    /** The ids of the profiles, as of the last dropin-folders run: only their folders are walked. */
    private volatile Set<String> profiles = Set.of();

    public DropIn(WorkerIdentity identity, CuJob job, CuRuns runs, Clock clock,
                  @Value("${connecta.cu.dropin.root}") String root,
                  @Value("${connecta.cu.dropin.max-attempts:3}") int maxAttempts) {
        this.identity = identity;
        this.job = job;
        this.runs = runs;
        this.clock = clock;
        this.root = Path.of(root).toAbsolutePath().normalize();
        this.maxAttempts = maxAttempts;
    }

    /** The ids of the profiles whose folders the consumer walks. */
    public Set<String> profiles() {
        return profiles;
    }

    /**
     * A new job for the dropped file: headers jobId and profileId (the file's profile folder).
     *
     * @throws CuStoppedException the worker is stopping (the consumer's batch may still hold files): the file stays
     */
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
        // the name as log lines may show it: a newline in a name cannot forge a log line
        m.setHeader(SHOWN_NAME, Printable.of(name));
        if (runs.draining()) {
            throw new CuStoppedException("the worker is stopping; the file stays in in/ for the next worker");
        }
    }

    /**
     * Whether the file is still where the consumer found it and its profile's folders are its own, by their real
     * paths: an in/ or profile folder turned into a link after the consumer looked, or an out/, done/ or error/ that is
     * a link (the output, the input or its reason would be written wherever it leads) is left alone, logged once.
     */
    public boolean isInItsOwnFolder(Exchange e) {
        Path file = file(e);
        Path folder = profileFolder(file);
        try {
            Path expected = root.toRealPath().resolve(folder.getFileName());
            boolean own = file.getParent().toRealPath().equals(expected.resolve("in"));
            for (String sub : FOLDERS) {
                Path path = folder.resolve(sub);
                own &= !Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                        || path.toRealPath().equals(expected.resolve(sub));
            }
            if (own) {
                return true;
            }
        } catch (IOException gone) {
            // the folder went away: nothing to do either
        }
        if (linksLogged.add(folder)) {
            LOG.warn("Drop-in: a folder of {} in {} leads elsewhere through a link; its files are left alone",
                    shownName(e), Printable.of(folder.getFileName().toString()));
        }
        return false;
    }

    /** A dropped link is never read: it goes to error/ (as the link itself) with the reason. */
    public void refuseLink(Exchange e) {
        if (Files.isSymbolicLink(file(e))) {
            throw new JobFailedException(shownName(e) + " is a symbolic link; the drop-in never follows links");
        }
    }

    public boolean isGone(Exchange e) {
        return !Files.exists(file(e));
    }

    /** Counts a failed attempt at the file; true when it was the last one allowed. A stop is no failed attempt. */
    public boolean lastAttempt(Exchange e) {
        if (e.getException(CuStoppedException.class) != null) {
            return false;
        }
        Path file = e.getProperty(FILE, Path.class);
        return file != null && attempts.merge(root.relativize(file).toString(), 1, Integer::sum) >= maxAttempts;
    }

    /** The last attempt failed for the worker's own reasons: the file goes to error/, FAILED, and is not tried again. */
    public void giveUp(Exchange e) throws IOException {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        park(e, "the worker could not process it in " + maxAttempts + " attempts; the last: " + cause.getMessage());
        job.report(e, JobState.FAILED, null, null, "moved to error/ after " + maxAttempts + " attempts: "
                + cause.getMessage());
    }

    /** A job that met infrastructure trouble: FAILED; the file stays in in/ and comes again as a new job. */
    public void retryLater(Exchange e) throws IOException {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        job.report(e, JobState.FAILED, null, null, "the worker could not finish the run (" + cause.getMessage()
                + "); the file stays in in/ and runs again as a new job");
    }

    /** The worker stopped before the run ended: CANCELLED with the reason; the file stays in in/ (the rollback). */
    public void handBack(Exchange e) throws IOException {
        LOG.warn("Drop-in {}: {} CANCELLED: {}", jobId(e), shownName(e), HANDED_BACK);
        job.report(e, JobState.CANCELLED, null, null, HANDED_BACK);
    }

    /** The dropped file becomes the input file of the work dir; the original stays in in/ until the job ends. */
    public void copyInput(Exchange e) throws IOException {
        Path workDir = e.getMessage().getHeader(CuExec.WORK_DIR, Path.class);
        // no link followed, neither the file nor a folder above it swapped in after the check
        try (SecureDirectoryStream<Path> in = folder(file(e), "in");
             InputStream input = Channels.newInputStream(in.newByteChannel(file(e).getFileName(),
                     Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
            Files.copy(input, workDir.resolve(CuExec.INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A successful run: the output replaces {@code out/<name>} (written under a hidden temporary name, then renamed,
     * so a reader never sees half of it), and the input moves to done/. Body: the {@link ExecOutcome}.
     */
    public void deliver(Exchange e) throws IOException {
        ExecOutcome outcome = e.getMessage().getBody(ExecOutcome.class);
        e.setProperty(CuJob.OUTCOME, outcome);
        Path file = file(e);
        // hidden (the consumer skips it) and short whatever the input's name: the job id alone
        Path part = Path.of("." + jobId(e) + ".part");
        try (SecureDirectoryStream<Path> out = folder(file, "out")) {
            try {
                try (OutputStream output = Channels.newOutputStream(out.newByteChannel(part,
                        Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)))) {
                    Files.copy(outcome.outputFile(), output);
                }
                // a rename within the folder replaces an earlier output atomically
                out.move(part, out, file.getFileName());
            } finally {
                try {
                    out.deleteFile(part);
                } catch (NoSuchFileException moved) {
                    // renamed: nothing left behind
                }
            }
        }
        Path done = moveAside(e, "done");
        forget(file);
        LOG.info("Drop-in {}: {} SUCCEEDED; output in out/, input now {}", jobId(e), shownName(e),
                Printable.of(done.getFileName().toString()));
    }

    /** A run that failed: the input moves to error/ with the reason. Body: the {@link ExecOutcome}. */
    public void reject(Exchange e) throws IOException {
        park(e, CuJob.failureReason(e.getMessage().getBody(ExecOutcome.class)));
    }

    /** A file that could not run at all (unknown profile, a link): it moves to error/ with the exception's message. */
    public void refuse(Exchange e) throws IOException {
        park(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage());
    }

    /** Only a folder named like a profile id makes a job the orchestrator can record; others only get error/. */
    public boolean reportable(Exchange e) {
        return CuProfileValidator.isWellFormedId(e.getProperty(CuJob.OWN_JOB, OwnJob.class).profileId());
    }

    /** Body: the rows of {@code SELECT id FROM cu_profile}; every profile gets its in/, out/, done/ and error/. */
    public void createFolders(Exchange e) throws IOException {
        Set<String> ids = new HashSet<>();
        for (Object row : e.getMessage().getBody(List.class)) {
            String id = String.valueOf(((Map<?, ?>) row).values().iterator().next());
            if (!CuProfileValidator.isWellFormedId(id)) {
                continue;
            }
            ids.add(id);
            Path folder = root.resolve(id);
            if (!Files.exists(folder.resolve("in"), LinkOption.NOFOLLOW_LINKS)) {
                for (String sub : FOLDERS) {
                    Files.createDirectories(folder.resolve(sub));
                }
                LOG.info("Drop-in folder ready for profile {}: {}", id, folder.resolve("in"));
            }
        }
        profiles = Set.copyOf(ids);
    }

    private void park(Exchange e, String reason) throws IOException {
        Path file = file(e);
        Path error = profileFolder(file).resolve("error");
        String name = freeName(error, file.getFileName().toString(), jobId(e), REASON_SUFFIX.length());
        OwnJob own = e.getProperty(CuJob.OWN_JOB, OwnJob.class);
        String text = Printable.of(file.getFileName().toString()) + " was not processed: " + JobErrorText.forApi(reason)
                + "\n"
                + "profile: " + own.profileId() + "\n"
                + "job: " + jobId(e) + "\n"
                + "worker: " + identity.instanceId() + "\n"
                + "at: " + clock.instant() + "\n";
        try (SecureDirectoryStream<Path> in = folder(file, "in");
             SecureDirectoryStream<Path> errors = folder(file, "error");
             OutputStream reasonFile = Channels.newOutputStream(errors.newByteChannel(Path.of(name + REASON_SUFFIX),
                     Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                             LinkOption.NOFOLLOW_LINKS)))) {
            reasonFile.write(text.getBytes(StandardCharsets.UTF_8));
            // a link is moved as the link (rename never follows one)
            in.move(file.getFileName(), errors, Path.of(name));
        }
        forget(file);
        LOG.warn("Drop-in {}: {} FAILED and moved to error/{}: {}", jobId(e), shownName(e), Printable.of(name),
                Printable.of(reason, 2000));
    }

    /** Moves the input into a sibling folder of in/, under its own name or, if that is taken, a unique one. */
    private Path moveAside(Exchange e, String folderName) throws IOException {
        Path file = file(e);
        Path folder = profileFolder(file).resolve(folderName);
        String name = freeName(folder, file.getFileName().toString(), jobId(e), 0);
        try (SecureDirectoryStream<Path> in = folder(file, "in");
             SecureDirectoryStream<Path> to = folder(file, folderName)) {
            in.move(file.getFileName(), to, Path.of(name));
        }
        return folder.resolve(name);
    }

    /**
     * A folder of the file's profile (in/, out/, done/, error/; made if missing), opened from the root down without
     * following a link: a profile folder or one of its folders that is a link, or became one after the check, fails
     * here instead of leading the worker's reads and writes elsewhere.
     */
    private SecureDirectoryStream<Path> folder(Path file, String sub) throws IOException {
        Path profile = profileFolder(file).getFileName();
        Path path = root.resolve(profile).resolve(sub);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path);
        }
        try (DirectoryStream<Path> top = Files.newDirectoryStream(root.toRealPath())) {
            if (!(top instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("this platform cannot open a folder without following links");
            }
            try (SecureDirectoryStream<Path> folder = secure.newDirectoryStream(profile, LinkOption.NOFOLLOW_LINKS)) {
                return folder.newDirectoryStream(Path.of(sub), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /**
     * {@code name} if the folder has no such file, else {@code <base>-<jobId prefix><ext>}; either shortened so that
     * it and {@code reserveBytes} more fit in a file name.
     */
    static String freeName(Path folder, String name, String jobId, int reserveBytes) {
        String plain = DropInNames.fit(name, reserveBytes);
        if (!Files.exists(folder.resolve(plain), LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(folder.resolve(DropInNames.fit(name, REASON_SUFFIX.length()) + REASON_SUFFIX))) {
            return plain;
        }
        String shortId = DropInNames.fit(suffixed(name, jobId.substring(0, 8)), reserveBytes);
        return Files.exists(folder.resolve(shortId), LinkOption.NOFOLLOW_LINKS)
                ? DropInNames.fit(suffixed(name, jobId), reserveBytes) : shortId;
    }

    private void forget(Path file) {
        attempts.remove(root.relativize(file).toString());
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

    private static String shownName(Exchange e) {
        return e.getMessage().getHeader(SHOWN_NAME, String.class);
    }

    private static String jobId(Exchange e) {
        return e.getMessage().getHeader("jobId", String.class);
    }
}
