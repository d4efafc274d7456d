package io.connecta.cu.exec;

import org.apache.commons.exec.ProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The CU processes this worker instance runs. Takes the folder of its run records and the kill grace; gives each run
 * of {@link CuCommandExecutor} a {@link Run} (commons-exec's {@link ProcessDestroyer} hook, so it learns the process
 * the moment it starts), and the worker the means to end them:
 * <ul>
 *   <li>{@link #drain()} (a graceful stop begins): no CU starts any more;</li>
 *   <li>{@link #stopAll()} (its grace ran out): every running CU tree is killed, and its run ends with a
 *       {@link CuStoppedException} instead of an exit code;</li>
 *   <li>{@link Run#endedByStop} (a run has ended): whether the stop ended it, the worker's kill or the stop signal
 *       itself, which systemd or Ctrl-C send to the CUs as well as to the worker;</li>
 *   <li>{@link #killLeftovers()} (start-up): the processes a crashed predecessor left running are killed.</li>
 * </ul>
 * Each running process has a run record, {@code <pid>.run} with its pid and start instant, in a folder only the worker
 * may write, outside every work dir (a CU controls its work dir: nothing there is trusted). The start instant tells the
 * recorded process from a later one that got the same pid: only a process matching both is ever killed.
 * Thread-safe.
 */
public class CuRuns {

    private static final Logger LOG = LoggerFactory.getLogger(CuRuns.class);
    private static final String SUFFIX = ".run";
    /** The exit values of a process that a stop signal ended: 128 + SIGHUP, SIGINT, SIGKILL, SIGTERM. */
    private static final Set<Integer> STOP_SIGNAL_EXITS = Set.of(129, 130, 137, 143);

    private final Supplier<Path> recordsDir;
    private final Duration killGrace;
    private final Duration signalWait;
    private final CountDownLatch drainBegun = new CountDownLatch(1);
    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    private volatile boolean stopping;

    /**
     * @param recordsDir where the run records go (this worker instance's own folder; made when first needed)
     * @param killGrace  how long a killed process has between SIGTERM and SIGKILL
     * @param signalWait how long a run that a stop signal ended waits for the worker's stop to begin (the worker may
     *                   have got the same signal a moment later) before it counts as the CU's own failure
     */
    public CuRuns(Supplier<Path> recordsDir, Duration killGrace, Duration signalWait) {
        this.recordsDir = recordsDir;
        this.killGrace = killGrace;
        this.signalWait = signalWait;
    }

    /**
     * A new run, before its process starts.
     *
     * @throws CuStoppedException the worker is stopping: no CU starts any more
     */
    Run begin() {
        if (draining) {
            throw new CuStoppedException("the worker is stopping; the CU was not started");
        }
        return new Run();
    }

    /** A graceful stop begins: no CU starts from now on; the running ones go on. */
    public void drain() {
        draining = true;
        drainBegun.countDown();
    }

    /** Whether a graceful stop has begun. */
    public boolean draining() {
        return draining;
    }

    /** How many CU processes are running. */
    public int running() {
        return running.size();
    }

    /**
     * Kills every running CU with its descendants (SIGTERM, then SIGKILL after the kill grace), all at once, and
     * returns when they are gone. Their runs end with a {@link CuStoppedException}; a CU that would start later is
     * killed as it starts.
     *
     * @return how many runs were killed
     */
    public int stopAll() {
        drain();
        stopping = true;
        List<Run> runs = List.copyOf(running);
        CompletableFuture.allOf(runs.stream().map(run -> CompletableFuture.runAsync(run::kill, CuRuns::killer))
                .toArray(CompletableFuture[]::new)).join();
        return runs.size();
    }

    /** A thread of its own per run: each kill waits up to two graces, and the common pool may have one thread. */
    private static void killer(Runnable kill) {
        Thread thread = new Thread(kill, "cu-stop");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Start-up: kills the processes whose pid and start instant match a run record of this instance (a predecessor
     * that crashed left them running), with their descendants, and removes every record.
     *
     * @return what was killed, one line each, for the log
     */
    public List<String> killLeftovers() throws IOException {
        Path dir = recordsDir.get();
        List<String> killed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return killed;
        }
        List<Path> records;
        try (Stream<Path> files = Files.list(dir)) {
            records = files.toList();
        }
        for (Path record : records) {
            leftover(record).ifPresent(process -> {
                String what = "pid " + process.pid() + " (" + process.info().commandLine().orElse("?") + ")";
                ProcessTrees.terminate(process, killGrace);
                killed.add(what);
            });
            try {
                Files.deleteIfExists(record);
            } catch (IOException e) {
                // not a record the worker wrote (a folder, say): one odd entry is no reason not to start
                LOG.warn("Cannot remove {} from the run records: {}", record, e.toString());
            }
        }
        return killed;
    }

    /** The live process a record names, if its start instant matches too (else the pid is another's now). */
    private static Optional<ProcessHandle> leftover(Path record) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(record)) {
            p.load(in);
            long pid = Long.parseLong(p.getProperty("pid"));
            Instant started = Instant.parse(p.getProperty("started"));
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant().map(started::equals).orElse(false));
        } catch (IOException | RuntimeException e) {
            // not a record the worker wrote (or cut short by a crash): nothing to kill by it
            LOG.warn("Ignoring the unreadable run record {}: {}", record, e.toString());
            return Optional.empty();
        }
    }

    /** Writes the run record of a process: its pid and start instant (none for a process already gone). */
    static Path record(Path dir, ProcessHandle process) throws IOException {
        Optional<Instant> started = process.info().startInstant();
        if (started.isEmpty()) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            // the worker's alone: a CU running as another user must not forge or remove a record
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path record = dir.resolve(process.pid() + SUFFIX);
        Path part = dir.resolve(process.pid() + SUFFIX + ".part");
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(process.pid()));
        p.setProperty("started", started.get().toString());
        try (Writer out = Files.newBufferedWriter(part)) {
            p.store(out, "a CU process of this worker instance; killed at the next start-up if still alive");
        }
        return Files.move(part, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One CU run: commons-exec hands it the process when it starts and takes it back when it has ended. */
    final class Run implements ProcessDestroyer {

        private Process process;
        private Path record;
        private boolean killed;

        @Override
        public synchronized boolean add(Process started) {
            process = started;
            try {
                record = record(recordsDir.get(), started.toHandle());
            } catch (IOException | RuntimeException e) {
                // the record only serves a crash; an exception here would leave the process unwatched
                LOG.warn("Cannot write the run record of pid {}: {}", started.pid(), e.toString());
            }
            running.add(this);
            if (stopping) {
                // started while the stop was killing the others
                CompletableFuture.runAsync(this::kill, CuRuns::killer);
            }
            return true;
        }

        @Override
        public synchronized boolean remove(Process ended) {
            running.remove(this);
            try {
                if (record != null) {
                    Files.deleteIfExists(record);
                }
            } catch (IOException e) {
                LOG.warn("Cannot remove the run record {}: {}", record, e.toString());
            }
            return true;
        }

        @Override
        public synchronized int size() {
            return process == null ? 0 : 1;
        }

        /** Whether the worker killed this run (its stop). */
        synchronized boolean killed() {
            return killed;
        }

        /**
         * Whether the worker's stop ended this run, once it has ended with the exit value: the worker killed it, or a
         * stop signal did ({@code 128 + n}) while the worker is stopping. A signal sent to the whole process group
         * (systemd's KillMode=control-group, Ctrl-C, {@code kill -TERM -<pgid>}) reaches the CU as well as the
         * worker, and the CU may end before the worker's stop has begun: such a run waits up to the signal wait for
         * it. Outside a stop, a CU that a signal ended (the OOM killer, someone's kill) has failed with its exit value,
         * as any other.
         */
        boolean endedByStop(int exitValue) {
            if (killed()) {
                return true;
            }
            if (!STOP_SIGNAL_EXITS.contains(exitValue)) {
                return false;
            }
            try {
                return drainBegun.await(signalWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return draining;
            }
        }

        private void kill() {
            Process p;
            synchronized (this) {
                p = process;
                if (p == null || !p.isAlive()) {
                    return;
                }
                killed = true;
            }
            ProcessTrees.terminate(p.toHandle(), killGrace);
        }
    }
}
