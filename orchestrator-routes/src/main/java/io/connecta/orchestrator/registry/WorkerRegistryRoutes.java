package io.connecta.orchestrator.registry;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemRouteConfiguration;
import io.connecta.common.security.ApiCaller;
import io.connecta.common.worker.Lease;
import io.connecta.common.worker.WorkerRegistration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * The worker registry on camel-sql: register (an upsert), heartbeat, deregister, list. A worker is UP while its
 * last heartbeat is younger than its lease. An instanceId belongs to the credential (the token's {@code sub}) that
 * registered it: another credential's registration of it answers 409, its heartbeat or deregistration 403. A
 * registration's {@code incarnation} (a new UUID at each start of the worker) replaces the one before: jobs that ran
 * under the old one were lost with the restart ({@link io.connecta.orchestrator.jobs.JobSweepRoutes}).
 */
@Component
public class WorkerRegistryRoutes extends RouteBuilder {

    private static final String COLUMNS = "instance_id, worker_type, base_url, version, lease_seconds, registered_at,"
            + " last_heartbeat, incarnation";
    /** The caller owns the row, or nobody does (a row from before owners were recorded). */
    private static final String OWNED = " WHERE instance_id = :#instanceId AND (owner = :#owner OR owner IS NULL)";
    private static final String UPDATE = "sql:UPDATE worker SET worker_type = :#workerType, base_url = :#baseUrl,"
            + " version = :#version, lease_seconds = :#leaseSeconds, last_heartbeat = :#now, owner = :#owner,"
            // a restarted worker (a new incarnation) replaces its predecessor, registered now: the sweeper finds the
            // jobs the predecessor lost, once the broker had worker-grace from then to hand them to the new one
            + " registered_at = CASE WHEN COALESCE(incarnation, '') = COALESCE(:#incarnation, '') THEN registered_at"
            + " ELSE :#now END, incarnation = :#incarnation" + OWNED;
    private static final String INSERT = "sql:INSERT INTO worker (" + COLUMNS + ", owner) VALUES (:#instanceId,"
            + " :#workerType, :#baseUrl, :#version, :#leaseSeconds, :#now, :#now, :#incarnation, :#owner)";
    private static final String HEARTBEAT = "sql:UPDATE worker SET last_heartbeat = :#now, owner = :#owner" + OWNED;
    private static final String DELETE = "sql:DELETE FROM worker" + OWNED;
    // the jobs a deregistering (gracefully stopping) worker handed back to the broker: their grace for the broker's
    // redelivery to another worker starts now (jobs/JobSweepRoutes), so the sweeper does not dispatch them twice.
    // Touched before the worker's row goes (while it is there, the sweeper takes its jobs for a live worker's), and
    // only while the caller's registration is there: a repeated deregistration postpones no sweep
    private static final String TOUCH_RUNNING = "sql:UPDATE job SET updated_at = :#now"
            + " WHERE worker_instance_id = :#instanceId AND state = 'RUNNING' AND EXISTS (SELECT 1 FROM worker w"
            + " WHERE w.instance_id = :#instanceId AND (w.owner = :#owner OR w.owner IS NULL))";
    private static final String SELECT_OWNER = "sql:SELECT owner FROM worker WHERE instance_id = :#instanceId"
            + "?outputType=SelectOne&outputHeader=registeredOwner";
    private static final String SELECT_ALL = "sql:SELECT " + COLUMNS + " FROM worker ORDER BY worker_type, instance_id";
    private static final String SELECT_TYPE = "sql:SELECT " + COLUMNS + " FROM worker WHERE worker_type = :#workerType"
            + " ORDER BY instance_id";

    private final WorkerRegistrationValidator validator;
    private final WorkerRows rows;
    private final RegistryProperties properties;

    public WorkerRegistryRoutes(WorkerRegistrationValidator validator, WorkerRows rows, RegistryProperties properties) {
        this.validator = validator;
        this.rows = rows;
        this.properties = properties;
    }

    @Override
    public void configure() {
        from("direct:worker-register").routeId("worker-register").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> {
                    WorkerRegistration valid = validator.validate(e.getMessage().getBody(WorkerRegistration.class));
                    Map<String, Object> params = rows.toParams(valid);
                    params.put("owner", ApiCaller.subject(e));
                    e.getMessage().setBody(params);
                })
                .to(SELECT_OWNER)
                .process(e -> refuseOthers(e, 409, "is registered by another credential; a worker registers"
                        + " its own instanceId only"))
                .to(UPDATE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    .to(INSERT)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(201))
                .end()
                .log("Worker ${body[instanceId]} (${body[workerType]}) registered at ${body[baseUrl]}"
                        + " (incarnation ${body[incarnation]})")
                .setBody(e -> lease((String) e.getMessage().getBody(Map.class).get("instanceId")));

        from("direct:worker-heartbeat").routeId("worker-heartbeat").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> e.getMessage().setBody(Map.of(
                        "instanceId", e.getMessage().getHeader("instanceId", String.class), "now", rows.now(),
                        "owner", ApiCaller.subject(e))))
                .to(SELECT_OWNER)
                .process(e -> refuseOthers(e, 403, "belongs to another credential"))
                .to(HEARTBEAT)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    .process(this::unknownWorker)
                .end()
                .setBody(e -> lease(e.getMessage().getHeader("instanceId", String.class)));

        from("direct:worker-deregister").routeId("worker-deregister").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> e.getMessage().setBody(Map.of(
                        "instanceId", e.getMessage().getHeader("instanceId", String.class),
                        "owner", ApiCaller.subject(e), "now", rows.now())))
                .to(SELECT_OWNER)
                .process(e -> refuseOthers(e, 403, "belongs to another credential"))
                // first its jobs' grace, then the worker: a sweep in between must not find them RUNNING on a
                // deregistered worker with their old updated_at (it would dispatch them again at once)
                .to(TOUCH_RUNNING)
                .to(DELETE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    .process(this::unknownWorker)
                .end()
                .log("Worker ${header.instanceId} deregistered")
                .setBody(constant(null))
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(204));

        from("direct:worker-list").routeId("worker-list").routeConfigurationId(ProblemRouteConfiguration.ID)
                .to(SELECT_ALL)
                .setBody(e -> rows.fromRows(e.getMessage().getBody(List.class)));

        // internal: the registered instances of the type in header workerType (UP and DOWN); failures go to the caller
        from("direct:workers-of-type").routeId("workers-of-type").errorHandler(noErrorHandler())
                .to(SELECT_TYPE)
                .setBody(e -> rows.fromRows(e.getMessage().getBody(List.class)));
    }

    private Lease lease(String instanceId) {
        return new Lease(instanceId, properties.getLeaseSeconds());
    }

    /** Refuses the call when the instanceId in the body is owned by another credential than the caller's. */
    private static void refuseOthers(Exchange e, int status, String why) {
        Map<?, ?> params = e.getMessage().getBody(Map.class);
        String owner = e.getMessage().getHeader("registeredOwner", String.class);
        e.getMessage().removeHeader("registeredOwner");
        if (owner != null && !owner.equals(params.get("owner"))) {
            throw new ApiProblemException(status, "worker instance '" + params.get("instanceId") + "' " + why);
        }
    }

    private void unknownWorker(Exchange e) {
        throw ApiProblemException.notFound("no registered worker '" + e.getMessage().getHeader("instanceId", String.class)
                + "'; register again");
    }
}
