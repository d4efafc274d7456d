package io.connecta.cu.exec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends processes the way every CU ends when the worker ends it: SIGTERM, and SIGKILL for those still alive after a
 * grace period. Used on a timeout ({@link TreeKillingWatchdog}), on a graceful stop and for a crashed predecessor's
 * runs ({@link CuRuns}).
 */
final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * Ends a process and everything below it: the descendants first, while the root still lives to reap them (a killed
     * orphan stays a zombie where the container's init does not reap), then the root; each SIGTERM, then SIGKILL after
     * the grace. Takes at most two graces. A process that detached itself before the snapshot (double fork) is not
     * found.
     */
    static void terminate(ProcessHandle root, Duration grace) {
        terminate(root.descendants().toList(), grace);
        terminate(List.of(root), grace);
    }

    /**
     * SIGTERM, then SIGKILL to whatever is still alive after the grace period. No wait after SIGKILL: it cannot be
     * ignored, and an orphan may look alive until init reaps it.
     */
    static void terminate(List<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        if (!awaitExit(processes, grace)) {
            processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Whether all the processes ended within the grace. */
    static boolean awaitExit(List<ProcessHandle> processes, Duration grace) {
        try {
            CompletableFuture.allOf(processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
