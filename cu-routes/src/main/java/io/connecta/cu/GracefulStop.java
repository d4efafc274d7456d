package io.connecta.cu;

import io.connecta.cu.dropin.DropInRoutes;
import io.connecta.cu.exec.CuRuns;
import io.connecta.cu.jobs.CuJobRoutes;
import io.connecta.cu.registration.WorkerProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A graceful stop of the worker (SIGTERM from {@code ./connecta down}, systemd or Kubernetes; any close of the
 * context). In order:
 * <ol>
 *   <li>no new job: the job consumer and the drop-in consumer are suspended, and no CU starts any more
 *       ({@link CuRuns#drain});</li>
 *   <li>the jobs in flight get {@code connecta.worker.shutdown-grace} to end and report as usual; a CU that the stop
 *       signal itself ends meanwhile (systemd and Ctrl-C signal the whole process group) is handed back as in 3
 *       ({@link CuRuns});</li>
 *   <li>the CUs still running then are killed with their descendants ({@link CuRuns#stopAll}); their jobs are handed
 *       back, never FAILED: a dispatched job's transaction rolls back, so the broker gives it to another worker, and a
 *       drop-in file stays in in/ (its job ends CANCELLED) for the next poll of any worker.</li>
 * </ol>
 * Why here: Spring publishes {@code ContextClosedEvent} before it stops any lifecycle bean, and Camel (a lifecycle
 * bean) stops after; so the routes, the broker connection and the database are all still there for the last reports
 * and rollbacks. Camel's own shutdown strategy ({@code camel.main.shutdown-timeout}, 45 s) would wait for the
 * in-flight exchanges and then force the routes down with the CUs still running and the transactions open. This
 * listener comes first, before the deregistration ({@code DeregisterOnStop}): the orchestrator must still know the
 * worker while its last jobs report.
 */
@Component
public class GracefulStop {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    /** The routes that take jobs in. */
    private static final List<String> JOB_ROUTES = List.of(CuJobRoutes.ID, DropInRoutes.ID);

    private final ApplicationContext context;
    private final CamelContext camel;
    private final CuRuns runs;
    private final Duration grace;
    private final Duration killGrace;

    public GracefulStop(ApplicationContext context, CamelContext camel, CuRuns runs, WorkerProperties properties,
                        @Value("${connecta.cu.kill-grace:5s}") Duration killGrace) {
        this.context = context;
        this.camel = camel;
        this.runs = runs;
        this.grace = properties.getShutdownGrace();
        this.killGrace = killGrace;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void onClose(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            stop();
        }
    }

    /** Takes no new job, waits up to the grace for the running ones, then kills what still runs and hands it back. */
    public void stop() {
        runs.drain();
        JOB_ROUTES.forEach(this::suspendConsumer);
        int inFlight = inFlight();
        if (inFlight == 0) {
            return;
        }
        LOG.info("Stopping: no new jobs; {} job(s) in flight get up to {} to end", inFlight, grace);
        if (awaitNoneInFlight(grace)) {
            LOG.info("Stopping: every job in flight has ended");
            return;
        }
        int killed = runs.stopAll();
        LOG.warn("Stopping: {} CU run(s) still running after the grace of {} were killed; their jobs are handed back"
                + " to run again", killed, grace);
        // the killed runs roll back or report CANCELLED now; a job that is not at its CU (an upload) may take longer
        if (!awaitNoneInFlight(killGrace.multipliedBy(2).plusSeconds(30))) {
            LOG.warn("Stopping: {} job(s) still in flight; Camel's shutdown takes over", inFlight());
        }
    }

    /**
     * Stops a consumer taking new messages or files, without waiting for the one in flight (Camel's suspendRoute would
     * wait). A suspended JMS consumer stops its listener container: a message it still receives is rolled back
     * (acceptMessagesWhileStopping is false), and one being processed completes and commits.
     */
    private void suspendConsumer(String routeId) {
        Route route = camel.getRoute(routeId);
        if (route == null || !camel.getRouteController().getRouteStatus(routeId).isStarted()) {
            return;
        }
        try {
            ServiceHelper.suspendService(route.getConsumer());
        } catch (RuntimeException e) {
            LOG.warn("Stopping: could not suspend the consumer of route {}: {}", routeId, e.toString());
        }
    }

    private int inFlight() {
        return JOB_ROUTES.stream().mapToInt(id -> camel.getInflightRepository().size(id)).sum();
    }

    private boolean awaitNoneInFlight(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (inFlight() > 0) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return true;
    }
}
