package io.connecta.cu.exec;

import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Watchdog;

import java.time.Duration;
import java.util.List;

/**
 * commons-exec's watchdog kills only the process it started; this one kills its descendants too (a CU that is a
 * script would leave its children running, holding the output pipes open). On timeout the descendants go first,
 * while the CU still lives to reap them (a killed orphan stays a zombie where the container's init does not reap):
 * SIGTERM, and SIGKILL for those still alive after the grace period; then the CU itself the same way. The run
 * thus ends at most two grace periods after the timeout.
 * <p>
 * Known limit: a process that a descendant starts after the snapshot of the tree, or that detached itself
 * before (double fork), is not found.
 */
class TreeKillingWatchdog extends ExecuteWatchdog {

    private final Duration grace;
    private Process process;
    private boolean timedOut;

    // ExecuteWatchdog's Builder makes only plain ExecuteWatchdogs; this is the one constructor open to a subclass
    @SuppressWarnings("deprecation")
    TreeKillingWatchdog(Duration timeout, Duration grace) {
        super(timeout.toMillis());
        this.grace = grace;
    }

    @Override
    public synchronized void start(Process processToMonitor) {
        super.start(processToMonitor);
        process = processToMonitor;
        timedOut = false;
    }

    @Override
    public synchronized void stop() {
        super.stop();
        process = null;
    }

    @Override
    public synchronized void timeoutOccured(Watchdog w) {
        Process root = process;
        if (root != null && root.isAlive()) {
            timedOut = true;
            // a snapshot before anything dies: an orphan is re-parented and no longer found from the CU
            ProcessTrees.terminate(root.descendants().toList(), grace);
        }
        super.timeoutOccured(w); // SIGTERM to the CU itself if it is still running
        if (timedOut && !ProcessTrees.awaitExit(List.of(root.toHandle()), grace)) {
            root.destroyForcibly();
        }
        process = null;
    }

    /**
     * Whether the timeout ended the run. Unlike {@link #killedProcess()} also true when the CU ended by itself
     * once its children were killed.
     */
    synchronized boolean timedOut() {
        return timedOut;
    }
}
