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
@ActiveProfiles({"dev", "test"})
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
    @ValueSource(strings = {"/actuator/hawtio/jolokia/version", "/actuator/jolokia/version", "/actuator/env",
            "/actuator/prometheus", "/actuator/info"})
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
    @ValueSource(strings = {"/actuator/health/liveness", "/api-docs/"})
    void probesAndDocsStayOpen(String path) {
        assertThat(http.get(path).status()).as(path).isEqualTo(200);
    }

    // --- issue 11: consoles and hardening ---------------------------------------------------------------------------------

    @Test
    void sessionCookieIsTheWorkersOwnHttpOnlyAndSameSiteStrict() {
        Http.Response login = http.send(http.request("/actuator/hawtio/auth/login").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"connecta-dev\"}")));
        assertThat(login.status()).as("%s", login).isEqualTo(200);
        java.util.List<String> cookies = login.raw().headers().allValues("Set-Cookie");
        assertThat(cookies).as("not the orchestrator's name, nor the generic JSESSIONID")
                .anyMatch(c -> c.startsWith("CONNECTA_CU_SESSION=") && c.contains("HttpOnly") && c.contains("SameSite=Strict"))
                .noneMatch(c -> c.startsWith("JSESSIONID=") || c.startsWith("CONNECTA_ORCHESTRATOR_SESSION="));
    }

    @Test
    void jolokiaGetExecIsRefusedForeignOriginsAndJvmMBeansAreDenied() {
        Http.Response gc = asOperator("/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc");
        assertThat(gc.status()).as("%s", gc).isEqualTo(405);
        // (a POST exec of DiagnosticCommand needs Hawtio's session and CSRF token: OpsConsoleHardeningTest does that)
        Http.Response diagnostic = asOperator("/actuator/hawtio/jolokia/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions");
        int status = diagnostic.status() == 200 ? diagnostic.json().path("status").asInt() : diagnostic.status();
        assertThat(status).as("%s", diagnostic).isEqualTo(403);
        Http.Response foreign = http.send(http.request("/actuator/hawtio/jolokia/version").header("Origin", "http://evil.example")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:connecta-dev".getBytes(StandardCharsets.UTF_8))).GET());
        assertThat(foreign.status()).as("%s", foreign).isEqualTo(403);
        assertThat(asOperator("/actuator/hawtio/jolokia/read/java.lang:type=Memory/HeapMemoryUsage").status())
                .as("a plain read still works").isEqualTo(200);
    }

    @Test
    void aProfileWhoseJsonIsNotUtf8Is400ProblemJson() {
        byte[] body = concat("{\"id\":\"u8b\",\"name\":\"".getBytes(StandardCharsets.US_ASCII), new byte[]{(byte) 0xff, (byte) 0xfe},
                "\",\"executable\":\"sample-cu\"}".getBytes(StandardCharsets.US_ASCII));
        Http admin = http.bearer(ISSUER.tokens().admin());
        Http.Response r = admin.send("POST", "/api/v1/profiles", "application/json", body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).containsIgnoringCase("UTF-8");
        assertThat(admin.get("/api/v1/profiles/u8b").status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void anOversizedChunkedJsonBodyIs413ProblemJson() {
        byte[] chunk = ("{\"id\":\"big\",\"name\":\"" + "x".repeat(8000)).getBytes(StandardCharsets.US_ASCII);
        io.connecta.common.test.RawHttp.Response r = io.connecta.common.test.RawHttp.send("127.0.0.1", port,
                "POST /api/v1/profiles HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                        + "\r\nAuthorization: Bearer " + ISSUER.tokens().admin(),
                io.connecta.common.test.RawHttp.chunked(chunk, 200));
        assertThat(r.status()).as("%s", r).isEqualTo(413);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("413");
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
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
        assertThat(asOperator("/actuator/prometheus").body())
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
