package io.connecta.orchestrator.api;

import io.connecta.common.problem.Problem;
import io.connecta.orchestrator.jobs.JobPage;
import io.connecta.orchestrator.jobs.JobView;
import io.connecta.orchestrator.registry.WorkerView;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** The FE API ({@code /api/fe/v1}) for the Angular front end. */
@Component
public class FeApiRestRoutes extends RouteBuilder {

    private static final String JSON = "application/json";

    @Override
    public void configure() {
        rest("/fe/v1/workers").description("Registered worker instances")
                .produces(JSON)
                .get().id("rest-worker-list").description("Every registered worker instance, UP or DOWN")
                    .outType(WorkerView[].class)
                    .responseMessage().code(200).message("the workers").endResponseMessage()
                    .to("direct:worker-list");

        rest("/fe/v1/jobs").description("Jobs: submit an input, follow the job, fetch its output")
                .produces(JSON)

                // served by JobUploadFilter, which streams the body into the same route without a spool copy;
                // this verb documents the operation (and would serve it the same way, one copy slower)
                .post().id("rest-job-submit").description("Submit a job; the body is the input, streamed into the blob store")
                    .bindingMode(RestBindingMode.off).consumes("application/octet-stream").outType(JobView.class)
                    .param().name("workerType").type(RestParamType.query).required(true).description("e.g. cu").endParam()
                    .param().name("profileId").type(RestParamType.query).required(true).endParam()
                    .param().name("filename").type(RestParamType.query).required(false)
                        .description("the input's file name, kept for the result's name").endParam()
                    .param().name("Idempotency-Key").type(RestParamType.header).required(false)
                        .description("a key seen before answers the job it made, instead of a second job").endParam()
                    .param().name("body").type(RestParamType.body).required(true).description("the input bytes").endParam()
                    .responseMessage().code(202).message("accepted; Location names the job").endResponseMessage()
                    .responseMessage().code(400).message("bad parameter").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("unknown worker type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(413).message("input too large").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(415).message("not application/octet-stream").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("unknown profile").responseModel(Problem.class).endResponseMessage()
                    .to("direct:job-submit-fe")

                .get().id("rest-job-list").description("Jobs, newest first, filtered and paged")
                    .outType(JobPage.class)
                    .param().name("status").type(RestParamType.query).required(false)
                        .allowableValues("PENDING", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED").endParam()
                    .param().name("workerType").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").required(false).endParam()
                    .param().name("offset").type(RestParamType.query).dataType("integer").required(false).endParam()
                    .responseMessage().code(200).message("a page of jobs").endResponseMessage()
                    .responseMessage().code(400).message("bad filter or paging").responseModel(Problem.class).endResponseMessage()
                    .to("direct:job-list")

                .get("/{jobId}").id("rest-job-get").description("One job")
                    .outType(JobView.class)
                    .param().name("jobId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(200).message("the job").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such job").responseModel(Problem.class).endResponseMessage()
                    .to("direct:job-get")

                .get("/{jobId}/result").id("rest-job-result").description("The output bytes of a SUCCEEDED job")
                    .bindingMode(RestBindingMode.off).produces("application/octet-stream")
                    .param().name("jobId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(200).message("the output bytes").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such job").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("the job has not SUCCEEDED").responseModel(Problem.class).endResponseMessage()
                    .to("direct:job-result");

        // raw passthrough: the worker's status, content type and body come back unchanged
        rest("/fe/v1/worker-types/{workerType}/profiles").description("Profiles of a worker type, served by a live worker of it")
                .bindingMode(RestBindingMode.off).produces(JSON)

                .get().id("passthrough-list").description("List the profiles (paged: limit, offset)")
                    .param().name("workerType").type(RestParamType.path).required(true).endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").required(false).endParam()
                    .param().name("offset").type(RestParamType.query).dataType("integer").required(false).endParam()
                    .responseMessage().code(200).message("a page of profiles, as the worker gives it").endResponseMessage()
                    .responseMessage().code(400).message("bad paging parameter or malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("unknown worker type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(503).message("no live worker of the type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(502).message("the worker's answer was not JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(504).message("the worker did not answer in time").responseModel(Problem.class).endResponseMessage()
                    .to("direct:passthrough-list")

                .post().id("passthrough-create").description("Create a profile").consumes(JSON)
                    .param().name("workerType").type(RestParamType.path).required(true).endParam()
                    .param().name("body").type(RestParamType.body).required(true).endParam()
                    .responseMessage().code(201).message("created").endResponseMessage()
                    .responseMessage().code(400).message("the worker's answer to bad input").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("unknown worker type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(415).message("not application/json").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("a profile with this id exists").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("invalid field").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(503).message("no live worker of the type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(502).message("the worker's answer was not JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(504).message("the worker did not answer in time").responseModel(Problem.class).endResponseMessage()
                    .to("direct:passthrough-create")

                .get("/{profileId}").id("passthrough-get").description("Read one profile")
                    .param().name("workerType").type(RestParamType.path).required(true).endParam()
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(200).message("the profile").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile or worker type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(503).message("no live worker of the type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(502).message("the worker's answer was not JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(504).message("the worker did not answer in time").responseModel(Problem.class).endResponseMessage()
                    .to("direct:passthrough-get")

                .put("/{profileId}").id("passthrough-update").description("Replace a profile (send the version you read)")
                    .consumes(JSON)
                    .param().name("workerType").type(RestParamType.path).required(true).endParam()
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .param().name("body").type(RestParamType.body).required(true).endParam()
                    .responseMessage().code(200).message("updated").endResponseMessage()
                    .responseMessage().code(400).message("the worker's answer to bad input, or a malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile or worker type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(415).message("not application/json").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("invalid field").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("stale version").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(503).message("no live worker of the type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(502).message("the worker's answer was not JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(504).message("the worker did not answer in time").responseModel(Problem.class).endResponseMessage()
                    .to("direct:passthrough-update")

                .delete("/{profileId}").id("passthrough-delete").description("Delete a profile")
                    .param().name("workerType").type(RestParamType.path).required(true).endParam()
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(204).message("deleted").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(503).message("no live worker of the type").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(502).message("the worker's answer was not JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(504).message("the worker did not answer in time").responseModel(Problem.class).endResponseMessage()
                    .to("direct:passthrough-delete");
    }
}
