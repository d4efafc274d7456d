package io.connecta.cu.jobs;

import io.connecta.cu.registration.WorkerIdentity;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where this worker instance keeps its runs: {@code <work-root>/<instanceId>/jobs/} holds the work dirs and
 * {@code <work-root>/<instanceId>/runs/} the run records ({@link io.connecta.cu.exec.CuRuns}). Several workers share
 * one var dir on one machine ({@code ./connecta up --workers 2}); each touches only its own instance folder, and a
 * restarted worker (same instance id) finds what its predecessor left ({@link LeftoverRuns}).
 */
@Component
public class WorkRoot {

    /** An instance id is a path segment here: no separator, no {@code .} or {@code ..}. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final CuJobProperties properties;
    private final WorkerIdentity identity;

    public WorkRoot(CuJobProperties properties, WorkerIdentity identity) {
        this.properties = properties;
        this.identity = identity;
    }

    /**
     * This instance's folder.
     *
     * @throws IllegalStateException the instance id cannot be a folder name
     */
    public Path instanceDir() {
        String instanceId = identity.instanceId();
        if (!SEGMENT.matcher(instanceId).matches()) {
            throw new IllegalStateException("connecta.worker.instance-id '" + instanceId + "' cannot name the worker's"
                    + " work folder: use letters, digits, '.', '_' and '-' (at most 128, not starting with '.')");
        }
        return Path.of(properties.getWorkRoot()).toAbsolutePath().normalize().resolve(instanceId);
    }

    /** The work dirs of this instance's jobs. */
    public Path jobsDir() {
        return instanceDir().resolve("jobs");
    }

    /** The run records of this instance's CU processes: the worker's alone, outside every work dir. */
    public Path runsDir() {
        return instanceDir().resolve("runs");
    }
}
