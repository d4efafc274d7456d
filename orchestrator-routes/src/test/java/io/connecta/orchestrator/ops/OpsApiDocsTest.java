package io.connecta.orchestrator.ops;

import io.connecta.common.test.Http;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI documents are valid OpenAPI and complete; the API docs page serves Swagger UI over them. */
class OpsApiDocsTest extends OpsTestSupport {

    SwaggerParseResult parse(String path) {
        Http.Response r = api.get(path);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertThat(result.getMessages()).as("%s validates", path).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        return result;
    }

    @Test
    void feDocumentIsValidOpenApiAndListsEveryFeRoute() {
        SwaggerParseResult fe = parse("/api/fe/v1/openapi.json");
        assertThat(fe.getOpenAPI().getPaths()).containsKeys("/workers", "/worker-types/{workerType}/profiles",
                "/worker-types/{workerType}/profiles/{profileId}");
        assertThat(fe.getOpenAPI().getPaths().get("/worker-types/{workerType}/profiles/{profileId}").readOperations())
                .as("GET, PUT and DELETE of one profile").hasSize(3);
    }

    @Test
    void beDocumentIsValidOpenApiAndListsTheRegistry() {
        SwaggerParseResult be = parse("/api/be/v1/openapi.json");
        assertThat(be.getOpenAPI().getPaths()).containsKeys("/workers", "/workers/{instanceId}/heartbeat",
                "/workers/{instanceId}");
    }

    @Test
    void apiDocsPageServesSwaggerUiOverBothDocuments() {
        Http.Response page = http.get("/api-docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui-bundle.js", "documents.json");
        assertThat(http.get("/webjars/swagger-ui/swagger-ui-bundle.js").status()).as("the webjar resolves").isEqualTo(200);
        assertThat(http.get("/api-docs/documents.json").body())
                .contains("/api/fe/v1/openapi.json", "/api/be/v1/openapi.json");
    }
}
