package io.connecta.cu.registration;

import io.connecta.common.security.ServiceTokens;
import io.connecta.common.worker.Lease;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.springframework.stereotype.Component;

/**
 * Keeps this worker registered with the orchestrator: register at start, heartbeat within the lease, register
 * again when the orchestrator has forgotten us (404), retry with backoff while it is away; deregister on a
 * graceful stop ({@link DeregisterOnStop}). A missing orchestrator never stops the worker. Every call carries the
 * worker's service credential (client credentials, {@link ServiceTokens}); a 401 drops the token and the next try
 * fetches a new one.
 */
@Component
public class WorkerRegistrationRoutes extends RouteBuilder {

    private static final String HTTP_OPTIONS = "?throwExceptionOnFailure=false&connectTimeout=2000&responseTimeout=5000";

    private final RegistrationState state;
    private final WorkerIdentity identity;
    private final ServiceTokens tokens;

    /** Takes the registration state, this worker's identity and its service credential for the BE API. */
    public WorkerRegistrationRoutes(RegistrationState state, WorkerIdentity identity, ServiceTokens tokens) {
        this.state = state;
        this.identity = identity;
        this.tokens = tokens;
    }

    @Override
    public void configure() {
        from("timer:worker-registration?delay=500&period={{connecta.worker.tick-ms:500}}").routeId("worker-registration")
                .filter(method(state, "isDue"))
                .choice()
                    .when(method(state, "isRegistered")).to("direct:worker-heartbeat")
                    .otherwise().to("direct:worker-register");

        from("direct:worker-register").routeId("worker-register")
                .doTry()
                    .setBody(e -> identity.registration())
                    .marshal().json(JsonLibrary.Jackson)
                    .removeHeaders("*")
                    .setHeader("Authorization", method(tokens, "authorizationHeader"))
                    .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .to("{{connecta.worker.orchestrator-url}}/api/be/v1/workers" + HTTP_OPTIONS)
                    .choice()
                        .when(header(Exchange.HTTP_RESPONSE_CODE).isEqualTo(401))
                            .log(LoggingLevel.WARN, "The orchestrator refused the worker's token; fetching a new one")
                            .bean(tokens, "invalidate")
                            .bean(state, "failed")
                        .when(header(Exchange.HTTP_RESPONSE_CODE).isLessThan(300))
                            .unmarshal().json(JsonLibrary.Jackson, Lease.class)
                            .bean(state, "succeeded")
                            .log("Registered with the orchestrator as ${body.instanceId}, lease ${body.leaseSeconds} s")
                        .otherwise()
                            .log(LoggingLevel.WARN, "The orchestrator refused the registration"
                                    + " (${header.CamelHttpResponseCode}): ${body}")
                            .bean(state, "failed")
                    .endDoTry()
                .doCatch(Exception.class)
                    .process(e -> e.getMessage().setHeader("retryIn", state.failed()))
                    .log(LoggingLevel.WARN, "Orchestrator not reachable (${exception.message}); retrying in ${header.retryIn}")
                .end();

        from("direct:worker-heartbeat").routeId("worker-heartbeat")
                .doTry()
                    .removeHeaders("*")
                    .setHeader("Authorization", method(tokens, "authorizationHeader"))
                    .setBody(constant(""))
                    .setHeader(Exchange.HTTP_METHOD, constant("PUT"))
                    .setHeader("instanceId", method(identity, "instanceId"))
                    .toD("{{connecta.worker.orchestrator-url}}/api/be/v1/workers/${header.instanceId}/heartbeat" + HTTP_OPTIONS)
                    .choice()
                        .when(header(Exchange.HTTP_RESPONSE_CODE).isEqualTo(401))
                            .log(LoggingLevel.WARN, "The orchestrator refused the worker's token; fetching a new one")
                            .bean(tokens, "invalidate")
                            .bean(state, "failed")
                        .when(header(Exchange.HTTP_RESPONSE_CODE).isEqualTo(404))
                            .log(LoggingLevel.WARN, "The orchestrator does not know this worker any more; registering again")
                            .bean(state, "forgotten")
                        .when(header(Exchange.HTTP_RESPONSE_CODE).isLessThan(300))
                            .unmarshal().json(JsonLibrary.Jackson, Lease.class)
                            .bean(state, "succeeded")
                        .otherwise()
                            .log(LoggingLevel.WARN, "Heartbeat answered ${header.CamelHttpResponseCode}: ${body}")
                            .bean(state, "failed")
                    .endDoTry()
                .doCatch(Exception.class)
                    .process(e -> e.getMessage().setHeader("retryIn", state.failed()))
                    .log(LoggingLevel.WARN, "Heartbeat failed (${exception.message}); retrying in ${header.retryIn}")
                .end();

        from("direct:worker-deregister").routeId("worker-deregister")
                .filter(method(state, "isRegistered"))
                .doTry()
                    .removeHeaders("*")
                    .setHeader("Authorization", method(tokens, "authorizationHeader"))
                    .setBody(constant(""))
                    .setHeader(Exchange.HTTP_METHOD, constant("DELETE"))
                    .setHeader("instanceId", method(identity, "instanceId"))
                    .toD("{{connecta.worker.orchestrator-url}}/api/be/v1/workers/${header.instanceId}" + HTTP_OPTIONS)
                    .bean(state, "deregistered")
                    .log("Deregistered from the orchestrator (${header.CamelHttpResponseCode})")
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "Could not deregister (${exception.message}); the lease will run out")
                .end();
    }
}
