package io.connecta.orchestrator.security;

import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The FE API as an OAuth2 resource server, over real HTTP with tokens of the real dev issuer (Spring Authorization
 * Server in this orchestrator): who may do what, and which tokens are refused.
 */
@CamelSpringBootTest
@ActiveProfiles({"test", "dev"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/api-security-test-var"})
class ApiSecurityTest {

    static final String PROFILE = """
            {"id":"upper","name":"Upper","executable":"sample-cu","args":["${input}","${output}"]}""";

    @LocalServerPort
    int port;

    @Value("${connecta.security.dev-issuer.key-file}")
    Path devIssuerKey;

    Http fe;
    DevTokens tokens;

    @BeforeEach
    void client() {
        fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1");
        tokens = new DevTokens("http://127.0.0.1:" + port);
    }

    static void assertRefused(Http.Response r, int status, String what) {
        assertThat(r.status()).as("%s: %s", what, r).isEqualTo(status);
        assertThat(r.contentType()).as(what).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().path("detail").asText()).as(what).isNotBlank();
        if (status == 401) {
            assertThat(r.header("WWW-Authenticate")).as(what).startsWith("Bearer");
        }
    }

    Http.Response submit(Http as) {
        return as.send(as.request("/jobs?workerType=cu&profileId=upper").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/workers", "/jobs", "/jobs/x", "/worker-types/cu/profiles", "/openapi.json"})
    void noTokenIsRefusedWith401(String path) {
        assertRefused(fe.get(path), 401, "GET " + path + " without a token");
    }

    @Test
    void noTokenCannotSubmitOrWriteProfiles() {
        assertRefused(submit(fe), 401, "submit without a token");
        assertRefused(fe.postJson("/worker-types/cu/profiles", PROFILE), 401, "profile write without a token");
        assertRefused(fe.send("POST", "/jobs/x/cancel", null, new byte[0]), 401, "cancel without a token");
    }

    @Test
    void tokensTheApiMustNotTakeAreRefusedWith401() {
        Duration valid = Duration.ofMinutes(5);
        List<String> viewer = List.of("connecta-viewer");
        try (TestIssuer sameKey = TestIssuer.withKeyFile(devIssuerKey); TestIssuer foreign = TestIssuer.start()) {
            String control = sameKey.token("someone", viewer, List.of("connecta"), valid);
            assertThat(fe.bearer(control).get("/workers").status()).as("the control token is taken").isEqualTo(200);

            assertRefused(fe.bearer(sameKey.token("someone", viewer, List.of("another-api"), valid)).get("/workers"), 401,
                    "a token for another audience");
            assertRefused(fe.bearer(sameKey.token("someone", viewer, List.of("connecta"), Duration.ofMinutes(-5)))
                    .get("/workers"), 401, "an expired token");
            assertRefused(fe.bearer(foreign.token("someone", viewer, List.of("connecta"), valid)).get("/workers"), 401,
                    "a token signed by another key");
            String[] parts = control.split("\\.");
            String tampered = parts[0] + "." + foreign.token("someone", List.of("connecta-admin"), List.of("connecta"), valid)
                    .split("\\.")[1] + "." + parts[2];
            assertRefused(fe.bearer(tampered).get("/workers"), 401, "a token whose claims were changed");
            assertRefused(fe.bearer("not-a-jwt").get("/workers"), 401, "garbage");
        }
    }

    @Test
    void viewerReadsButCannotSubmitOrWriteProfiles() {
        Http viewer = fe.bearer(tokens.viewer());
        assertThat(viewer.get("/workers").status()).isEqualTo(200);
        assertThat(viewer.get("/jobs").status()).isEqualTo(200);
        assertRefused(submit(viewer), 403, "a viewer submits");
        assertRefused(viewer.send("POST", "/jobs/x/cancel", null, new byte[0]), 403, "a viewer cancels");
        assertRefused(viewer.postJson("/worker-types/cu/profiles", PROFILE), 403, "a viewer creates a profile");
        assertRefused(viewer.putJson("/worker-types/cu/profiles/upper", PROFILE), 403, "a viewer changes a profile");
        assertRefused(viewer.delete("/worker-types/cu/profiles/upper"), 403, "a viewer deletes a profile");
    }

    @Test
    void submitterSubmitsButCannotWriteProfiles() {
        Http submitter = fe.bearer(tokens.submitter());
        assertThat(submitter.get("/workers").status()).as("a submitter reads").isEqualTo(200);
        Http.Response submitted = submit(submitter);
        // authorised: the job intake answers (no profile 'upper' here: 4xx from the route, not 401/403)
        assertThat(submitted.status()).as("a submitter submits: %s", submitted).isNotIn(401, 403);
        assertThat(submitter.send("POST", "/jobs/x/cancel", null, new byte[0]).status()).isNotIn(401, 403);
        assertRefused(submitter.postJson("/worker-types/cu/profiles", PROFILE), 403, "a submitter creates a profile");
        assertRefused(submitter.delete("/worker-types/cu/profiles/upper"), 403, "a submitter deletes a profile");
    }

    @Test
    void adminWritesProfiles() {
        Http admin = fe.bearer(tokens.admin());
        Http.Response created = admin.postJson("/worker-types/cu/profiles", PROFILE);
        // authorised: the passthrough answers (no live CU worker here: 503)
        assertThat(created.status()).as("an admin creates a profile: %s", created).isEqualTo(503);
        assertThat(submit(admin).status()).isNotIn(401, 403);
    }

    @Test
    void serviceCredentialsCannotUseTheFeApi() {
        for (String client : List.of(DevTokens.WORKER_CU, DevTokens.ORCHESTRATOR)) {
            Http service = fe.bearer(tokens.token(client));
            assertRefused(service.get("/workers"), 403, client + " reads the FE API");
            assertRefused(submit(service), 403, client + " submits");
        }
    }

    @Test
    void theCallersTokenIsNotEchoedInTheAnswer() {
        Http.Response r = fe.bearer(tokens.viewer()).get("/workers");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().map().keySet()).as("answer headers").noneMatch(h -> h.equalsIgnoreCase("Authorization"));
    }

    @Test
    void devIssuerRefusesAWrongClientSecret() {
        assertThatThrownBy(() -> tokens.fetch(DevTokens.ADMIN, "guess")).hasMessageContaining("401");
    }

    @Test
    void withoutDevAndWithoutAnIssuerTheOrchestratorRefusesToStartNamingTheProperty() {
        assertThatThrownBy(() -> OrchestratorApplication.application().run("--spring.config.name=orchestrator",
                "--spring.profiles.active=test", "--server.port=0", "--spring.jmx.enabled=false",
                "--connecta.ops.password=api-security-test",
                "--connecta.var-dir=orchestrator-routes/target/api-security-test-var-nodev").close())
                .rootCause().hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    }
}
