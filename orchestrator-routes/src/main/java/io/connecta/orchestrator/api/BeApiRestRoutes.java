package io.connecta.orchestrator.api;

import io.connecta.common.problem.Problem;
import io.connecta.common.worker.Lease;
import io.connecta.common.worker.WorkerRegistration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** The BE API ({@code /api/be/v1}), where workers register, heartbeat and deregister. */
@Component
public class BeApiRestRoutes extends RouteBuilder {

    private static final String JSON = "application/json";

    @Override
    public void configure() {
        rest("/be/v1/workers").description("Worker registry: workers register, heartbeat within their lease, deregister")
                .produces(JSON)

                .post().id("rest-worker-register").description("Register (or re-register) a worker instance")
                    .consumes(JSON)
                    .type(WorkerRegistration.class).outType(Lease.class)
                    .param().name("body").type(RestParamType.body).required(true).endParam()
                    .responseMessage().code(201).message("registered; heartbeat within leaseSeconds").endResponseMessage()
                    .responseMessage().code(200).message("registration renewed").endResponseMessage()
                    .responseMessage().code(400).message("bad registration").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("the instanceId is another credential's").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("a worker type or host the configuration does not allow, or an"
                            + " incarnation that is no UUID").responseModel(Problem.class).endResponseMessage()
                    .to("direct:worker-register")

                .put("/{instanceId}/heartbeat").id("rest-worker-heartbeat").description("Renew the lease")
                    .outType(Lease.class)
                    .param().name("instanceId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(200).message("lease renewed").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("unknown instance: register again").responseModel(Problem.class).endResponseMessage()
                    .to("direct:worker-heartbeat")

                .delete("/{instanceId}").id("rest-worker-deregister").description("Deregister on graceful shutdown")
                    .param().name("instanceId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(204).message("deregistered").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("unknown instance").responseModel(Problem.class).endResponseMessage()
                    .to("direct:worker-deregister");
    }
}
