package io.connecta.cu.dropin;

import io.connecta.common.job.JobQueues;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.cu.exec.CuExec;
import io.connecta.cu.exec.CuStoppedException;
import io.connecta.cu.exec.ExecOutcome;
import io.connecta.cu.jobs.CuJob;
import io.connecta.cu.jobs.JobFailedException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The legacy folder drop-in: a file written into {@code <root>/<profileId>/in/} runs through the CU with that profile
 * (the same {@code direct:cu-exec} step as a dispatched job); the output goes to {@code out/<name>}, the input to
 * {@code done/}, or on failure to {@code error/} with {@code <name>.error.txt}. The orchestrator hears of each run
 * as a job of origin {@code DROP_IN} (RUNNING, then SUCCEEDED or FAILED on {@code connecta.jobs.results}; CANCELLED
 * when the worker stopped before the run ended, the file staying in in/ to run again as a new job).
 */
@Component
public class DropInRoutes extends RouteBuilder {

    /** The route id of the drop-in consumer. */
    public static final String ID = "dropin";

    /*
     * One consumer over the whole root (recursive, files of <profile>/in/ only) rather than a route per profile:
     * a profile created later needs only its folder (dropin-folders makes it), and no routes come and go at run time. The price: one file at
     * a time per worker; more throughput comes from more workers on the same folder, which the shared lock allows.
     *
     * - noop + idempotent=false: the route itself moves the file to done/ or error/ (a unique name if taken, a
     *   reason file beside it), and nothing remembers names: the same name dropped again is a new job.
     * - readLock=idempotent-changed: first the cluster-wide lock (a row in cu_dropin_lock keyed by the path relative
     *   to the root, so only one worker takes the file), then the file must not have changed for min-age (a slow
     *   writer on a share). The row is deleted once the route is done (commit or rollback), after the move.
     * - an infrastructure failure (database, disk) rolls back: the lock goes, the file stays in in/ for the next poll.
     * - filter=#dropInFilter (DropInFilter) walks only <profile>/in/ of existing profiles, never a folder that is a
     *   link (left alone, logged once) nor a folder of no profile (left alone): out/, done/ and error/, which grow,
     *   are not walked either. Hidden files (the ".x" of a writer) are skipped by camel-file itself.
     */
    static final String CONSUMER = "file:{{connecta.cu.dropin.root}}"
            + "?recursive=true&maxDepth=3&antInclude=*/in/*"
            + "&filter=#dropInFilter"
            + "&noop=true&idempotent=false"
            + "&readLock=idempotent-changed&idempotentRepository=#dropInLocks&idempotentKey=${file:name}"
            + "&readLockRemoveOnCommit=true&readLockRemoveOnRollback=true"
            + "&readLockCheckInterval={{connecta.cu.dropin.read-lock.check-interval-ms}}"
            + "&readLockMinAge={{connecta.cu.dropin.read-lock.min-age-ms}}"
            + "&readLockMinLength={{connecta.cu.dropin.read-lock.min-length}}"
            + "&readLockTimeout={{connecta.cu.dropin.read-lock.timeout-ms}}"
            + "&readLockLoggingLevel=DEBUG"
            + "&delay={{connecta.cu.dropin.poll-delay-ms}}";

    private final DropIn dropIn;
    private final CuJob job;

    public DropInRoutes(DropIn dropIn, CuJob job) {
        this.dropIn = dropIn;
        this.job = job;
    }

    @Override
    public void configure() {
        from(CONSUMER).routeId(ID).autoStartup("{{connecta.cu.dropin.enabled}}")
                // the input is copied by path, the output moved by path: nothing passes through memory
                .noStreamCaching()
                // the file cannot run as dropped (a link, the profile gone): error/ with the reason, and FAILED
                .onException(ApiProblemException.class, JobFailedException.class)
                    // a 5xx problem is a service that is away: the infrastructure clauses below
                    .onWhen(e -> CuJob.isJobFailure(e.getException()))
                    .handled(true)
                    .process(dropIn::refuse)
                    .filter(dropIn::reportable)
                        .process(job::failedWith)
                        .to("direct:dropin-report")
                    .end()
                .end()
                // the worker is stopping (GracefulStop): the file stays in in/ (the rollback releases its lock) for the
                // next poll of any worker; a job already reported RUNNING ends CANCELLED, as its file runs as a new job
                .onException(CuStoppedException.class)
                    .handled(false).logExhausted(false)
                    .log(LoggingLevel.WARN, "Drop-in ${header.jobId}: ${header.ConnectaShownName} stays in in/:"
                            + " ${exception.message}")
                    .filter(e -> e.getProperty(DropIn.REPORTED_RUNNING, false, Boolean.class))
                        .process(dropIn::handBack)
                        .to("direct:dropin-report")
                    .end()
                .end()
                // the worker failed at this file max-attempts times: error/ with the last reason, FAILED, never again
                // (issue 10: a file that cannot be processed must not run once a second for ever)
                .onException(Exception.class)
                    .onWhen(dropIn::lastAttempt)
                    .handled(true)
                    .process(dropIn::giveUp)
                    .to("direct:dropin-report")
                .end()
                // infrastructure trouble (disk, database): the job reported RUNNING ends FAILED, the file stays in
                // in/ (the rollback releases its lock) and runs again, as a new job, at a later poll
                .onException(Exception.class)
                    .handled(false)
                    .filter(e -> e.getProperty(DropIn.REPORTED_RUNNING, false, Boolean.class))
                        .process(dropIn::retryLater)
                        .to("direct:dropin-report")
                    .end()
                .end()
                .onCompletion()
                    .process(job::removeWorkDir)
                .end()
                .process(dropIn::begin)
                // another worker may have finished the file between our listing and our lock
                .filter(dropIn::isGone)
                    .log(LoggingLevel.DEBUG, "Drop-in: ${header.ConnectaShownName} was processed elsewhere")
                    .stop()
                .end()
                .filter(e -> !dropIn.isInItsOwnFolder(e))
                    .stop()
                .end()
                .process(dropIn::refuseLink)
                .log("Drop-in ${header.jobId}: ${header.ConnectaShownName} with profile ${header.profileId}")
                .to("direct:profile-load")
                .setProperty(CuExec.PROFILE, body())
                .process(job::createWorkDir)
                .process(dropIn::copyInput)
                // a copy reports RUNNING, before the run and in order with the final result
                .enrich("direct:dropin-running", AggregationStrategies.useOriginal())
                .setProperty(DropIn.REPORTED_RUNNING, constant(true))
                .to(CuExec.ENDPOINT)
                .choice()
                    .when(e -> e.getMessage().getBody(ExecOutcome.class).success())
                        .process(dropIn::deliver)
                        .process(job::succeeded)
                    .otherwise()
                        .process(dropIn::reject)
                        .process(job::failedRun)
                .end()
                .to("direct:dropin-report");

        from("direct:dropin-running").routeId("dropin-running")
                .process(job::running)
                .to("direct:dropin-report");

        // the files are the integrator's record; a report the broker does not take is logged, not retried
        from("direct:dropin-report").routeId("dropin-report")
                .doTry()
                    .to("activemq6:queue:" + JobQueues.RESULTS)
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Drop-in ${header.jobId}: could not report to the orchestrator:"
                            + " ${exception.message}")
                .end();

        // every profile gets its folders, also one created after start-up: no restart needed
        from("timer:dropin-folders?period={{connecta.cu.dropin.folders-period-ms}}&delay=0")
                .routeId("dropin-folders").autoStartup("{{connecta.cu.dropin.enabled}}")
                .to("sql:SELECT id FROM cu_profile ORDER BY id")
                .process(dropIn::createFolders);
    }
}
