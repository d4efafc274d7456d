package io.connecta.profiles;

import io.connecta.common.problem.Problem;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * The profiles API: REST DSL only. Each operation hands over to a {@code direct:} route of
 * {@link ProfileStoreRoutes}.
 */
@Component
public class ProfilesRestRoutes extends RouteBuilder {

    private static final String JSON = "application/json";

    @Override
    public void configure() {
        rest("/profiles").description("CU profiles (CuConfigs): how the worker runs its allow-listed executable")
                .produces(JSON)

                .get().id("rest-profile-list").description("List profiles ordered by id, one page at a time")
                    .outType(ProfilePage.class)
                    .param().name("limit").type(RestParamType.query).dataType("integer")
                        .description("page size, 1..500").defaultValue("50").required(false).endParam()
                    .param().name("offset").type(RestParamType.query).dataType("integer")
                        .description("rows to skip, >= 0").defaultValue("0").required(false).endParam()
                    .responseMessage().code(200).message("a page of profiles").endResponseMessage()
                    .responseMessage().code(400).message("bad paging parameter").responseModel(Problem.class).endResponseMessage()
                    .to("direct:profile-list")

                .post().id("rest-profile-create").description("Create a profile").consumes(JSON)
                    .type(CuProfile.class).outType(CuProfile.class)
                    .param().name("body").type(RestParamType.body).required(true).endParam()
                    .responseMessage().code(201).message("created; Location names it").endResponseMessage()
                    .responseMessage().code(400).message("malformed JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("a profile with this id exists").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(415).message("not application/json").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("invalid field").responseModel(Problem.class).endResponseMessage()
                    .to("direct:profile-create")

                .get("/{profileId}").id("rest-profile-get").description("Read one profile")
                    .outType(CuProfile.class)
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(200).message("the profile").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile").responseModel(Problem.class).endResponseMessage()
                    .to("direct:profile-get")

                .put("/{profileId}").id("rest-profile-update").description("Replace a profile; send the version you read")
                    .consumes(JSON)
                    .type(CuProfile.class).outType(CuProfile.class)
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .param().name("body").type(RestParamType.body).required(true).endParam()
                    .responseMessage().code(200).message("the updated profile, with its new version").endResponseMessage()
                    .responseMessage().code(400).message("malformed JSON").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(409).message("stale version").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(415).message("not application/json").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(422).message("invalid field").responseModel(Problem.class).endResponseMessage()
                    .to("direct:profile-update")

                .delete("/{profileId}").id("rest-profile-delete").description("Delete a profile")
                    .param().name("profileId").type(RestParamType.path).required(true).endParam()
                    .responseMessage().code(204).message("deleted").endResponseMessage()
                    .responseMessage().code(400).message("malformed path").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("no such profile").responseModel(Problem.class).endResponseMessage()
                    .to("direct:profile-delete");
    }
}
