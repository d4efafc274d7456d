package io.connecta.orchestrator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BE API over real HTTP with tokens of the real dev issuer: the registry's whole life cycle, bad registrations
 * that change nothing, and instanceIds that belong to the credential that registered them.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.orchestrator.registry.lease-seconds=1",
                "connecta.var-dir=orchestrator-routes/target/registry-test-var"})
class WorkerRegistryRoutesTest {

    static final String CU = """
            {"instanceId":"cu-a","workerType":"cu","baseUrl":"http://127.0.0.1:18081","version":"1.2.3"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${connecta.security.dev-issuer.key-file}")
    Path devIssuerKey;

    /** The BE API as the CU workers' credential (client connecta-worker-cu). */
    Http be;
    Http fe;
    DevTokens tokens;

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM worker");
        tokens = new DevTokens("http://127.0.0.1:" + port);
        be = new Http("http://127.0.0.1:" + port + "/api/be/v1").bearer(tokens.token(DevTokens.WORKER_CU));
        fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1").bearer(tokens.viewer());
    }

    /**
     * Another worker credential: a token the dev issuer's own key signs, with the worker role, for another subject
     * (as a second worker client of the issuer would have).
     */
    Http rogue() {
        try (TestIssuer sameKey = TestIssuer.withKeyFile(devIssuerKey)) {
            return be.bearer(sameKey.token("rogue-worker", List.of("connecta-worker"), List.of("connecta"), Duration.ofMinutes(5)));
        }
    }

    @Test
    void anotherCredentialCannotTakeOverHeartbeatOrDeregisterARegisteredInstance() {
        assertThat(be.postJson("/workers", CU).status()).isEqualTo(201);
        String before = jdbc.queryForList("SELECT instance_id, base_url, owner FROM worker").toString();
        Http rogue = rogue();

        Http.Response takeover = rogue.postJson("/workers", CU.replace("127.0.0.1:18081", "127.0.0.1:9999"));
        assertThat(takeover.status()).as("re-registration by another credential: %s", takeover).isEqualTo(409);
        assertThat(takeover.contentType()).startsWith("application/problem+json");
        Http.Response heartbeat = rogue.send("PUT", "/workers/cu-a/heartbeat", null, new byte[0]);
        assertThat(heartbeat.status()).as("heartbeat by another credential: %s", heartbeat).isEqualTo(403);
        assertThat(heartbeat.contentType()).startsWith("application/problem+json");
        Http.Response deregister = rogue.delete("/workers/cu-a");
        assertThat(deregister.status()).as("deregistration by another credential: %s", deregister).isEqualTo(403);

        assertThat(jdbc.queryForList("SELECT instance_id, base_url, owner FROM worker").toString())
                .as("the registration is unchanged").isEqualTo(before).contains("connecta-worker-cu", "18081");
        assertThat(rogue.postJson("/workers", CU.replace("cu-a", "rogue-1")).status())
                .as("its own instanceId it may register").isEqualTo(201);
        assertThat(be.send("PUT", "/workers/cu-a/heartbeat", null, new byte[0]).status()).as("the owner's heartbeat")
                .isEqualTo(200);
    }

    @Test
    void onlyTheWorkerRoleMayUseTheBeApi() {
        for (String client : List.of(DevTokens.VIEWER, DevTokens.ADMIN, DevTokens.ORCHESTRATOR)) {
            Http.Response r = be.bearer(tokens.token(client)).postJson("/workers", CU);
            assertThat(r.status()).as("%s registers: %s", client, r).isEqualTo(403);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        Http.Response anonymous = be.anonymous().postJson("/workers", CU);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isZero();
    }

    String status(String instanceId) {
        for (JsonNode w : fe.get("/workers").json()) {
            if (w.path("instanceId").asText().equals(instanceId)) {
                return w.path("status").asText();
            }
        }
        return "ABSENT";
    }

    @Test
    void workerRegistersHeartbeatsGoesDownComesBackAndDeregisters() {
        Http.Response registered = be.postJson("/workers", CU);
        assertThat(registered.status()).as("first registration creates: %s", registered).isEqualTo(201);
        assertThat(registered.json().path("leaseSeconds").asInt()).isEqualTo(1);
        JsonNode listed = fe.get("/workers").json().get(0);
        assertThat(listed.path("instanceId").asText()).isEqualTo("cu-a");
        assertThat(listed.path("workerType").asText()).isEqualTo("cu");
        assertThat(listed.path("baseUrl").asText()).isEqualTo("http://127.0.0.1:18081");
        assertThat(listed.path("version").asText()).isEqualTo("1.2.3");
        assertThat(listed.path("status").asText()).isEqualTo("UP");

        assertThat(be.send("PUT", "/workers/cu-a/heartbeat", null, new byte[0]).status()).isEqualTo(200);

        Await.until("the lease runs out and the worker shows DOWN", () -> status("cu-a").equals("DOWN"));

        assertThat(be.send("PUT", "/workers/cu-a/heartbeat", null, new byte[0]).status()).isEqualTo(200);
        assertThat(status("cu-a")).as("a heartbeat brings it back").isEqualTo("UP");

        assertThat(be.delete("/workers/cu-a").status()).isEqualTo(204);
        assertThat(status("cu-a")).isEqualTo("ABSENT");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isZero();
    }

    @Test
    void unknownInstanceHeartbeatGets404AndMayRegisterAgain() {
        Http.Response heartbeat = be.send("PUT", "/workers/cu-a/heartbeat", null, new byte[0]);
        assertThat(heartbeat.status()).isEqualTo(404);
        assertThat(heartbeat.contentType()).startsWith("application/problem+json");
        assertThat(heartbeat.json().path("detail").asText()).contains("register again");

        assertThat(be.postJson("/workers", CU).status()).isEqualTo(201);
        assertThat(be.postJson("/workers", CU.replace("18081", "18082")).status()).as("re-registration renews").isEqualTo(200);
        assertThat(fe.get("/workers").json().get(0).path("baseUrl").asText()).isEqualTo("http://127.0.0.1:18082");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isEqualTo(1);
        assertThat(be.delete("/workers/nobody").status()).isEqualTo(404);
    }

    @Test
    void aRestartedWorkersNewIncarnationReplacesTheOldOneAndIsShown() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        assertThat(be.postJson("/workers", withIncarnation(first)).status()).isEqualTo(201);
        assertThat(incarnation("cu-a")).isEqualTo(first);
        assertThat(fe.get("/workers").json().get(0).path("incarnation").asText()).as("the FE API shows it")
                .isEqualTo(first);

        Http.Response again = be.postJson("/workers", withIncarnation(second.toUpperCase(Locale.ROOT)));
        assertThat(again.status()).as("the same owner registers again after a restart: %s", again).isEqualTo(200);
        assertThat(incarnation("cu-a")).as("the new incarnation replaces the old, in lower case as results compare it")
                .isEqualTo(second);

        assertThat(be.postJson("/workers", CU).status()).isEqualTo(200);
        assertThat(incarnation("cu-a")).as("a worker that sends none has none: nothing to compare").isNull();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-a-uuid", "0f8fad5b-d9cb-469f-a165-70867728950g", "0f8fad5bd9cb469fa16570867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}", "0f8fad5b-d9cb-469f-a165-70867728950e0",
            "' OR 1=1 --", "0f8fad5b-d9cb-469f-a165-70867728950e\n"})
    void anIncarnationThatIsNoUuidIsRejectedWith422AndChangesNothing(String incarnation) {
        be.postJson("/workers", withIncarnation(UUID.randomUUID().toString()));
        String before = jdbc.queryForList("SELECT * FROM worker").toString();

        Http.Response r = be.postJson("/workers", withIncarnation(incarnation));

        assertThat(r.status()).as("%s → %s", incarnation, r).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("incarnation");
        assertThat(r.json().path("detail").asText()).contains("incarnation", "UUID");
        assertThat(jdbc.queryForList("SELECT * FROM worker").toString()).as("the registration is unchanged")
                .isEqualTo(before);
    }

    static String withIncarnation(String incarnation) {
        return CU.replace("}", ",\"incarnation\":\"" + incarnation.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n") + "\"}");
    }

    String incarnation(String instanceId) {
        return jdbc.queryForObject("SELECT incarnation FROM worker WHERE instance_id = ?", String.class, instanceId);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"instanceId\":\"cu-b\",\"baseUrl\":\"http://127.0.0.1:1\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"file:///etc/passwd\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"http://user:pw@host:1\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"http://host:1/?x=1\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"not a url\"}",
            "{\"instanceId\":\"../x\",\"workerType\":\"cu\",\"baseUrl\":\"http://host:1\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"CU TYPE\",\"baseUrl\":\"http://host:1\"}",
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"http://host:1\",\"admin\":true}",
            "{\"instanceId\":\"cu-b\", \"workerType\": ",
            // address spellings that are no host names (a resolver would take them for 127.0.0.1)
            "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"http://127.1:8081\"}",
            "[]"})
    void badRegistrationIsRejectedWith400AndChangesNothing(String body) {
        be.postJson("/workers", CU);
        String before = jdbc.queryForList("SELECT * FROM worker").toString();
        Http.Response r = be.postJson("/workers", body);
        assertThat(r.status()).as("%s → %s", body, r).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).as("the detail says what was wrong").isNotBlank();
        assertThat(jdbc.queryForList("SELECT * FROM worker").toString()).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // the rogue worker of issue 11: any type, any address, a path into the worker's actuator
            "functions   | http://127.0.0.1:18099        | workerType",
            "rogue       | http://127.0.0.1:18099        | workerType",
            "cu          | http://10.0.0.5:8081          | baseUrl",
            "cu          | http://example.com:8081       | baseUrl",
            "cu          | http://169.254.169.254        | baseUrl",
            "cu          | http://[fd00::1]:8081         | baseUrl",
            "cu          | http://[::ffff:10.0.0.1]:8081 | baseUrl",
            // 127.0.0.1 as a number: a name to the URL, never resolved here
            "cu          | http://2130706433:8081        | baseUrl",
            "cu          | http://127.0.0.1:8081/actuator | baseUrl",
            "cu          | http://127.0.0.1:8081/api/v1  | baseUrl"})
    void registrationOutsideTheConfiguredTypesAndHostsIsRejectedWith422NamingTheField(String type, String baseUrl, String field) {
        be.postJson("/workers", CU);
        String before = jdbc.queryForList("SELECT * FROM worker").toString();
        Http.Response r = be.postJson("/workers", "{\"instanceId\":\"cu-b\",\"workerType\":\"" + type
                + "\",\"baseUrl\":\"" + baseUrl + "\",\"version\":\"1\"}");
        assertThat(r.status()).as("%s %s → %s", type, baseUrl, r).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo(field);
        assertThat(r.json().path("detail").asText()).contains(field);
        assertThat(jdbc.queryForList("SELECT * FROM worker").toString()).as("nothing registered").isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:18081", "http://127.0.0.1:18081/", "http://localhost:18081",
            "http://127.0.0.2:18081", "http://[::1]:18081", "https://LOCALHOST:18443"})
    void loopbackWorkersOfTheDevSetUpRegister(String baseUrl) {
        Http.Response r = be.postJson("/workers", CU.replace("http://127.0.0.1:18081", baseUrl));
        assertThat(r.status()).as("%s → %s", baseUrl, r).isEqualTo(201);
    }

    @Test
    void aRegistrationWhoseJsonIsNotUtf8Is400ProblemJson() {
        byte[] body = "{\"instanceId\":\"cu-b\",\"workerType\":\"cu\",\"baseUrl\":\"http://127.0.0.1:1\",\"version\":\"\u00ff\"}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Http.Response r = be.send("POST", "/workers", "application/json", body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).containsIgnoringCase("UTF-8");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isZero();
    }

    @Test
    void anOversizedChunkedRegistrationIs413ProblemJson() {
        byte[] chunk = ("{\"instanceId\":\"cu-b\",\"version\":\"" + "1".repeat(1000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        io.connecta.common.test.RawHttp.Response r = io.connecta.common.test.RawHttp.send("127.0.0.1", port,
                "POST /api/be/v1/workers HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                        + "\r\nAuthorization: Bearer " + tokens.token(DevTokens.WORKER_CU),
                io.connecta.common.test.RawHttp.chunked(chunk, 20));
        assertThat(r.status()).as("%s", r).isEqualTo(413);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isZero();
    }

    @Test
    void missingFieldIsNamedInTheProblem() {
        Http.Response r = be.postJson("/workers", "{\"instanceId\":\"cu-b\",\"baseUrl\":\"http://127.0.0.1:1\"}");
        assertThat(r.json().path("detail").asText()).contains("workerType");
    }

    @Test
    void oversizedRegistrationIsRejectedWith413() {
        Http.Response r = be.postJson("/workers", CU.replace("1.2.3", "1".repeat(5000)));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM worker", Integer.class)).isZero();
    }

    @Test
    void eachApiHasItsOwnOpenApiDocument() {
        JsonNode bePaths = be.get("/openapi.json").json().path("paths");
        assertThat(bePaths.has("/workers")).isTrue();
        assertThat(bePaths.has("/workers/{instanceId}/heartbeat")).isTrue();
        JsonNode fePaths = fe.get("/openapi.json").json().path("paths");
        assertThat(fePaths.has("/workers")).isTrue();
        assertThat(fePaths.has("/worker-types/{workerType}/profiles/{profileId}")).isTrue();
        assertThat(fePaths.has("/workers/{instanceId}/heartbeat")).as("BE routes stay out of the FE document").isFalse();
    }
}
