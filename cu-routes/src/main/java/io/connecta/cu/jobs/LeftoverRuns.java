package io.connecta.cu.jobs;

import io.connecta.cu.exec.CuRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a crashed predecessor of this worker instance (same instance id, e.g. after {@code kill -9}) left behind: at
 * start-up its CUs still running are killed ({@link CuRuns#killLeftovers}: pid and start instant must match a run
 * record) and its work dirs and run records removed, all logged. Only this instance's folder ({@link WorkRoot}) is
 * touched, never another worker's on the same machine.
 * <p>
 * It runs on the context's refresh ahead of every other listener: Camel starts its routes on the same event, last
 * ({@code SpringCamelContext} has the lowest precedence), so no job consumer runs yet; and the web server has started
 * by then, so the instance id knows its port.
 */
@Component
public class LeftoverRuns {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverRuns.class);

    private final ApplicationContext context;
    private final CuRuns runs;
    private final WorkRoot workRoot;

    public LeftoverRuns(ApplicationContext context, CuRuns runs, WorkRoot workRoot) {
        this.context = context;
        this.runs = runs;
        this.workRoot = workRoot;
    }

    @EventListener(ContextRefreshedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void onStart(ContextRefreshedEvent event) throws IOException {
        if (event.getApplicationContext() == context) {
            cleanUp();
        }
    }

    /** Kills the predecessor's CUs, then removes its work dirs and run records. */
    public void cleanUp() throws IOException {
        List<String> killed = runs.killLeftovers();
        killed.forEach(process -> LOG.warn("Killed {}: a CU its crashed predecessor left running", process));
        List<String> removed = new ArrayList<>();
        for (Path folder : List.of(workRoot.jobsDir(), workRoot.runsDir())) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path entry : entries.toList()) {
                    try {
                        FileSystemUtils.deleteRecursively(entry);
                        removed.add(entry.getFileName().toString());
                    } catch (IOException e) {
                        // a CU may have left a folder the worker cannot empty: that is no reason not to start
                        LOG.warn("Cannot remove {} (left by a crashed predecessor): {}", entry, e.toString());
                    }
                }
            }
        }
        if (!removed.isEmpty()) {
            LOG.warn("Removed what a crashed predecessor left in {}: {}", workRoot.instanceDir(), removed);
        }
    }
}
