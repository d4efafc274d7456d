package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production set-up against a real OIDC provider: Keycloak as its own process, the orchestrator and a CU worker
 * as their own JVMs from the built jars, with no {@code dev} profile (no dev issuer, no dev password, no dev broker
 * users). People sign in at Keycloak the way the Angular app makes them (authorization code + PKCE); the apps use
 * client credentials of their own. Roles come from Keycloak's {@code realm_access.roles}.
 */
class KeycloakIT {

    private static final String OPS_PASSWORD = "it-ops-" + UUID.randomUUID();
    private static final String BROKER_ORCHESTRATOR = "it-broker-o-" + UUID.randomUUID();
    private static final String BROKER_WORKER = "it-broker-w-" + UUID.randomUUID();

    private static Keycloak keycloak;
    private static AppProcess orchestrator;
    private static AppProcess worker;
    private static Http api;

    @BeforeAll
    static void start() {
        keycloak = Keycloak.start();
        int brokerPort = Apps.freePort();
        // one var dir, as on one machine: the local blob store is where both find the inputs and outputs
        String varDir = Apps.tempDir("kc");
        Map<String, Object> o = production("connecta-orchestrator", "it-orchestrator-secret");
        o.put("connecta.var-dir", varDir);
        o.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + brokerPort);
        o.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + brokerPort);
        o.put("connecta.broker.users[0].name", "orchestrator");
        o.put("connecta.broker.users[0].password", BROKER_ORCHESTRATOR);
        o.put("connecta.broker.users[0].groups[0]", "orchestrators");
        o.put("connecta.broker.users[1].name", "worker-cu");
        o.put("connecta.broker.users[1].password", BROKER_WORKER);
        o.put("connecta.broker.users[1].groups[0]", "workers-cu");
        o.put("spring.activemq.user", "orchestrator");
        o.put("spring.activemq.password", BROKER_ORCHESTRATOR);
        o.put("connecta.orchestrator.registry.allowed-hosts", "127.0.0.1/32");
        orchestrator = AppProcess.startProduction("kc-orchestrator", AppProcess.ORCHESTRATOR_JAR, "384m", o);

        Map<String, Object> c = production("connecta-worker-cu", "it-worker-secret");
        c.put("connecta.var-dir", varDir);
        c.put("connecta.worker.instance-id", "kc-cu-1");
        c.put("connecta.worker.orchestrator-url", "http://127.0.0.1:" + orchestrator.port);
        c.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + brokerPort);
        c.put("spring.activemq.user", "worker-cu");
        c.put("spring.activemq.password", BROKER_WORKER);
        c.put("connecta.cu.sandbox.required", true);
        worker = AppProcess.startProduction("kc-cu", AppProcess.CU_JAR, "256m", c);
        api = new Http("http://127.0.0.1:" + orchestrator.port + "/api/fe/v1");
    }

    /** What every app needs outside the dev set-up, with Keycloak as the issuer and its own client credential. */
    private static Map<String, Object> production(String clientId, String secret) {
        Map<String, Object> p = new HashMap<>();
        p.put("server.address", "127.0.0.1");
        p.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", keycloak.issuer());
        p.put("connecta.security.roles-claim", "realm_access.roles");
        p.put("spring.security.oauth2.client.registration.connecta.provider", "keycloak");
        p.put("spring.security.oauth2.client.registration.connecta.client-id", clientId);
        p.put("spring.security.oauth2.client.registration.connecta.client-secret", secret);
        p.put("spring.security.oauth2.client.registration.connecta.authorization-grant-type", "client_credentials");
        p.put("spring.security.oauth2.client.provider.keycloak.token-uri", keycloak.issuer() + "/protocol/openid-connect/token");
        p.put("connecta.ops.password", OPS_PASSWORD);
        return p;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{worker, orchestrator, keycloak}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the others still stop
            }
        }
    }

    @Test
    void theWorkerRegisteredWithItsKeycloakCredentialAndUsersSeeWhatTheirRoleAllows() {
        String viewer = keycloak.userToken("vera", "vera-pw");
        Await.until("the worker registered with its Keycloak credential", Duration.ofSeconds(60),
                () -> api.bearer(viewer).get("/workers").body().contains("kc-cu-1"));

        // the orchestrator's own Keycloak credential carries the admin's write to the worker's profile API
        String admin = keycloak.clientToken("it-admin", "it-admin-secret");
        Http.Response created = api.bearer(admin).postJson("/worker-types/cu/profiles",
                "{\"id\":\"kc-upper\",\"name\":\"Upper\",\"executable\":\"sample-cu\","
                        + "\"args\":[\"--mode\",\"upper\",\"${input}\",\"${output}\"],\"timeoutSeconds\":60}");
        assertThat(created.status()).as("admin creates a profile: %s", created.body()).isEqualTo(201);

        assertProblem(api.bearer(viewer).postJson("/worker-types/cu/profiles",
                "{\"id\":\"kc-nope\",\"name\":\"x\",\"executable\":\"sample-cu\"}"), 403);
        assertProblem(api.bearer(viewer).send("POST", "/jobs?workerType=cu&profileId=kc-upper", "application/octet-stream",
                "no".getBytes(StandardCharsets.UTF_8)), 403);

        String submitter = keycloak.userToken("sam", "sam-pw");
        Http.Response submitted = api.bearer(submitter).send("POST", "/jobs?workerType=cu&profileId=kc-upper&filename=in.txt",
                "application/octet-stream", "signed in at keycloak".getBytes(StandardCharsets.UTF_8));
        assertThat(submitted.status()).as("submitter submits: %s", submitted.body()).isEqualTo(202);
        String jobId = submitted.json().path("jobId").asText();
        Await.until("the job ends", Duration.ofSeconds(90),
                () -> !api.bearer(viewer).get("/jobs/" + jobId).json().path("status").asText().matches("PENDING|QUEUED|RUNNING"));
        JsonNode job = api.bearer(viewer).get("/jobs/" + jobId).json();
        assertThat(job.path("status").asText()).as("job %s", job).isEqualTo("SUCCEEDED");
        assertThat(api.bearer(viewer).get("/jobs/" + jobId + "/result").body()).isEqualTo("SIGNED IN AT KEYCLOAK");
    }

    @Test
    void tokensNotMeantForConnectaAreRefused() {
        assertProblem(api.get("/workers"), 401);
        String otherAudience = keycloak.clientToken("it-other-audience", "it-other-secret");
        assertProblem(api.bearer(otherAudience).get("/workers"), 401);

        // a real token with its payload changed (roles raised): the signature no longer matches
        String viewer = keycloak.userToken("vera", "vera-pw");
        String[] parts = viewer.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("connecta-viewer", "connecta-admin");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertProblem(api.bearer(forged).get("/workers"), 401);

        // the worker's own profile API: a person's token is not the orchestrator's
        Http cuApi = new Http("http://127.0.0.1:" + worker.port + "/api/v1");
        assertProblem(cuApi.get("/profiles"), 401);
        assertProblem(cuApi.bearer(viewer).get("/profiles"), 403);
    }

    @Test
    void anotherWorkerCredentialCannotTakeOverTheWorker() {
        String viewer = keycloak.userToken("vera", "vera-pw");
        Await.until("the worker registered", Duration.ofSeconds(60),
                () -> api.bearer(viewer).get("/workers").body().contains("kc-cu-1"));
        String rogue = keycloak.clientToken("it-rogue-worker", "it-rogue-secret");
        Http be = new Http("http://127.0.0.1:" + orchestrator.port + "/api/be/v1").bearer(rogue);

        assertThat(be.putJson("/workers/kc-cu-1/heartbeat", "{}").status()).as("heartbeat of another's instance").isEqualTo(403);
        assertThat(be.delete("/workers/kc-cu-1").status()).as("deregistering another's instance").isEqualTo(403);
        int takeover = be.postJson("/workers", "{\"instanceId\":\"kc-cu-1\",\"workerType\":\"cu\","
                + "\"baseUrl\":\"http://127.0.0.1:9\",\"version\":\"x\"}").status();
        assertThat(takeover).as("re-registering another's instance").isIn(403, 409);
        assertThat(api.bearer(viewer).get("/workers").body()).as("the real worker is untouched")
                .contains("kc-cu-1").doesNotContain("127.0.0.1:9\"");
        // a user is no worker
        assertProblem(new Http("http://127.0.0.1:" + orchestrator.port + "/api/be/v1").bearer(viewer)
                .putJson("/workers/kc-cu-1/heartbeat", "{}"), 403);
    }

    private static void assertProblem(Http.Response r, int status) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }
}
