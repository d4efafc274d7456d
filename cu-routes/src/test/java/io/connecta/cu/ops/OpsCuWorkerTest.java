package io.connecta.cu.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import io.connecta.cu.CuWorkerApplication;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The CU worker's operations side: Hawtio/Jolokia behind the login, open API and probes, metrics, API docs. */
@CamelSpringBootTest
@ActiveProfiles({"test", "dev"})
@DisableJmx(false)
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = CuWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=cu-worker",
                "spring.datasource.url=jdbc:h2:mem:ops-cu-${random.uuid};DB_CLOSE_DELAY=-1",
                "connecta.blob.local.root=${java.io.tmpdir}/connecta-ops-cu-blobs-${random.uuid}",
                // no orchestrator here: registration keeps retrying in the background
                "connecta.worker.orchestrator-url=http://127.0.0.1:9"})
class OpsCuWorkerTest {

    /** The token issuer the worker trusts here (no orchestrator): a real one, over HTTP. */
    static final TestIssuer ISSUER = TestIssuer.start();

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    Http.Response asOperator(String path) {
        return http.send(http.request(path).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:connecta-dev".getBytes(StandardCharsets.UTF_8))).GET());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/hawtio/jolokia/version", "/actuator/jolokia/version", "/actuator/env"})
    void hawtioJolokiaAndActuatorAnswer401WithoutCredentials(String path) {
        assertThat(http.get(path).status()).as(path).isEqualTo(401);
    }

    @Test
    void operatorSeesTheWorkersRoutesThroughHawtiosJolokia() {
        Http.Response routes = asOperator("/actuator/hawtio/jolokia/search/org.apache.camel:type=routes,*");
        assertThat(routes.status()).isEqualTo(200);
        assertThat(routes.body()).contains("profile-list", "profile-create", "worker-registration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health/liveness", "/actuator/prometheus", "/api-docs/"})
    void probesAndDocsStayOpen(String path) {
        assertThat(http.get(path).status()).as(path).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/profiles", "/api/v1/openapi.json"})
    void apiAnswersOnlyWithAToken(String path) {
        assertThat(http.get(path).status()).as(path + " without a token").isEqualTo(401);
        assertThat(http.bearer(ISSUER.tokens().token(DevTokens.ORCHESTRATOR)).get(path).status()).as(path).isEqualTo(200);
    }

    @Test
    void readinessListsDatabaseAndBlobStore() {
        JsonNode components = http.get("/actuator/health/readiness").json().path("components");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("blobStore").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void prometheusShowsTheRouteMetricsByRouteId() {
        http.bearer(ISSUER.tokens().admin()).get("/api/v1/profiles");
        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"profile-list\"");
    }

    @Test
    void openApiDocumentValidatesAndListsTheProfilesApi() {
        SwaggerParseResult doc = new OpenAPIV3Parser().readContents(
                http.bearer(ISSUER.tokens().viewer()).get("/api/v1/openapi.json").body());
        assertThat(doc.getMessages()).isEmpty();
        assertThat(doc.getOpenAPI().getPaths()).containsKeys("/profiles", "/profiles/{profileId}");
        assertThat(http.get("/api-docs/documents.json").body()).contains("/api/v1/openapi.json");
    }
}
