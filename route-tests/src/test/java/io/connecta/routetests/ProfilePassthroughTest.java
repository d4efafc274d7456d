package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.common.test.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orchestrator's profile passthrough with two real CU workers (one database, as one worker-type cluster)
 * on the machine's PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfilePassthroughTest {

    static final String UPPER = """
            {"id":"upper","name":"Upper","executable":"sample-cu",
             "args":["--mode","upper","${input}","${output}"],"output":"out.dat","timeoutSeconds":60}""";

    static ConfigurableApplicationContext orchestrator;
    static ConfigurableApplicationContext cuA;
    static ConfigurableApplicationContext cuB;
    static Http fe;
    static Http be;
    static DevTokens tokens;

    @BeforeAll
    static void start() {
        int port = Apps.freePort();
        orchestrator = Apps.orchestrator(port, Apps.h2("passthrough-orchestrator"), Map.of(
                "connecta.orchestrator.registry.lease-seconds", 3,
                "connecta.orchestrator.passthrough.response-timeout-ms", 1500));
        String cuDb = PostgresDatabase.recreate("connecta_rt_passthrough_cu");
        cuA = Apps.cu("cu-a", cuDb, port, Map.of());
        cuB = Apps.cu("cu-b", cuDb, port, Map.of());
        tokens = Apps.tokens(port);
        fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1").bearer(tokens.admin());
        // the workers' credential: registrations of this test belong to it, like the real workers'
        be = new Http("http://127.0.0.1:" + port + "/api/be/v1").bearer(tokens.token(DevTokens.WORKER_CU));
        Await.until("both workers registered and UP", () -> upWorkers().containsAll(List.of("cu-a", "cu-b")));
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {cuA, cuB, orchestrator}) {
            if (app != null && app.isActive()) {
                app.close();
            }
        }
    }

    @BeforeEach
    void clean() {
        cuA.getBean(JdbcTemplate.class).update("DELETE FROM cu_profile");
    }

    static List<String> upWorkers() {
        List<String> up = new ArrayList<>();
        for (JsonNode w : fe.get("/workers").json()) {
            if (w.path("status").asText().equals("UP")) {
                up.add(w.path("instanceId").asText());
            }
        }
        return up;
    }

    static Http direct(ConfigurableApplicationContext cu) {
        return new Http("http://127.0.0.1:" + Apps.port(cu) + "/api/v1").bearer(tokens.admin());
    }

    @Test
    void profileCreatedThroughTheOrchestratorLandsInTheWorkersDatabase() {
        Http.Response created = fe.postJson("/worker-types/cu/profiles", UPPER);
        assertThat(created.status()).as("create through the orchestrator: %s", created).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/fe/v1/worker-types/cu/profiles/upper");
        assertThat(cuA.getBean(JdbcTemplate.class).queryForObject(
                "SELECT name FROM cu_profile WHERE id = 'upper'", String.class)).isEqualTo("Upper");

        JsonNode read = fe.get("/worker-types/cu/profiles/upper").json();
        assertThat(read).isEqualTo(direct(cuB).get("/profiles/upper").json());

        ObjectNode change = read.deepCopy();
        change.put("name", "Upper through FE");
        assertThat(fe.putJson("/worker-types/cu/profiles/upper", change.toString()).status()).isEqualTo(200);
        assertThat(fe.get("/worker-types/cu/profiles?limit=1").json().path("items").get(0).path("name").asText())
                .isEqualTo("Upper through FE");
        assertThat(fe.delete("/worker-types/cu/profiles/upper").status()).isEqualTo(204);
        assertThat(direct(cuA).get("/profiles/upper").status()).isEqualTo(404);
    }

    @Test
    void callsAreSpreadOverBothWorkers() {
        long a = Apps.exchanges(cuA, "profile-list");
        long b = Apps.exchanges(cuB, "profile-list");
        for (int i = 0; i < 6; i++) {
            assertThat(fe.get("/worker-types/cu/profiles").status()).isEqualTo(200);
        }
        assertThat(Apps.exchanges(cuA, "profile-list") - a).as("worker A got some of the calls").isPositive();
        assertThat(Apps.exchanges(cuB, "profile-list") - b).as("worker B got some of the calls").isPositive();
    }

    @Test
    void workerProblemsPassThroughUnchanged() {
        fe.postJson("/worker-types/cu/profiles", UPPER);
        String stale = fe.get("/worker-types/cu/profiles/upper").json().deepCopy().toString();
        fe.putJson("/worker-types/cu/profiles/upper", stale);

        record Case(String method, String path, String body) { }
        List<Case> cases = List.of(
                new Case("POST", "/profiles", "{\"id\":"),                                   // 400 malformed
                new Case("GET", "/profiles/nope", null),                                     // 404
                new Case("POST", "/profiles", UPPER),                                        // 409 duplicate
                new Case("PUT", "/profiles/upper", stale),                                   // 409 stale version
                new Case("POST", "/profiles", UPPER.replace("\"upper\"", "\"Bad Id\"")),     // 422
                new Case("GET", "/profiles?limit=0", null));                                 // 400 paging
        for (Case c : cases) {
            Http.Response viaOrchestrator = send(fe, c.method(), "/worker-types/cu" + c.path(), c.body());
            Http.Response fromWorker = send(direct(cuA), c.method(), c.path(), c.body());
            assertThat(viaOrchestrator.status()).as("%s %s status", c.method(), c.path()).isEqualTo(fromWorker.status());
            assertThat(viaOrchestrator.status()).isGreaterThanOrEqualTo(400);
            assertThat(viaOrchestrator.contentType()).isEqualTo(fromWorker.contentType());
            assertThat(viaOrchestrator.body()).as("%s %s body", c.method(), c.path()).isEqualTo(fromWorker.body());
        }
    }

    private static Http.Response send(Http http, String method, String path, String body) {
        return body == null ? http.send(http.request(path).method(method, java.net.http.HttpRequest.BodyPublishers.noBody()))
                : http.send(method, path, "application/json", body.getBytes());
    }

    @Test
    void unknownTypeIs404AndMalformedIdsNeverReachAWorker() {
        Http.Response unknown = fe.get("/worker-types/gf/profiles");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        long a = Apps.exchanges(cuA, "profile-get");
        long b = Apps.exchanges(cuB, "profile-get");
        assertThat(fe.get("/worker-types/cu/profiles/..%2F..%2Factuator").status()).as("encoded traversal")
                .isIn(400, 404);
        assertThat(fe.get("/worker-types/cu/profiles/UPPER%3Fx=1").status()).isEqualTo(404);
        assertThat(Apps.exchanges(cuA, "profile-get") + Apps.exchanges(cuB, "profile-get")).as("no worker was called")
                .isEqualTo(a + b);
    }

    @Test
    void workerProfileApiTakesTheOrchestratorOrAnAdminOnly() {
        Http worker = direct(cuA);
        assertThat(worker.anonymous().get("/profiles").status()).as("no token").isEqualTo(401);
        for (String client : List.of(DevTokens.VIEWER, DevTokens.SUBMITTER, DevTokens.WORKER_CU)) {
            Http.Response r = worker.bearer(tokens.token(client)).get("/profiles");
            assertThat(r.status()).as("%s on the worker's profile API: %s", client, r).isEqualTo(403);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        assertThat(worker.bearer(tokens.token(DevTokens.ORCHESTRATOR)).get("/profiles").status()).isEqualTo(200);
        assertThat(worker.bearer(tokens.admin()).get("/profiles").status()).isEqualTo(200);
        Http.Response viewerWrite = worker.bearer(tokens.viewer()).postJson("/profiles", UPPER);
        assertThat(viewerWrite.status()).as("a viewer writes on the worker: %s", viewerWrite).isEqualTo(403);
        assertThat(cuA.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM cu_profile", Integer.class)).isZero();
    }

    @Test
    void passthroughSendsTheOrchestratorsCredentialNeverTheCallers() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer spy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        spy.createContext("/", x -> {
            seen.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"items\":[],\"total\":0,\"limit\":50,\"offset\":0}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        spy.start();
        try {
            register("cu-spy", spy.getAddress().getPort());
            String callers = tokens.admin();
            Http admin = fe.anonymous().bearer(callers);
            for (int i = 0; i < 6 && seen.isEmpty(); i++) {
                assertThat(admin.get("/worker-types/cu/profiles").status()).isEqualTo(200);
            }
            assertThat(seen).as("the spy worker was called").isNotEmpty();
            for (String authorization : seen) {
                assertThat(authorization).as("what the worker got").startsWith("Bearer ").doesNotContain(callers);
                String payload = new String(Base64.getUrlDecoder().decode(authorization.substring(7).split("\\.")[1]),
                        StandardCharsets.UTF_8);
                assertThat(payload).as("the token's claims").contains("\"sub\":\"connecta-orchestrator\"")
                        .contains("connecta-orchestrator");
            }
        } finally {
            be.delete("/workers/cu-spy");
            spy.stop(0);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // stops the workers
    void deadAndSilentWorkersAreSkippedThenAnswered503Or504() throws Exception {
        int deadPort = Apps.freePort();
        try (ServerSocket silent = new ServerSocket(0)) {
            ExecutorService acceptor = Executors.newSingleThreadExecutor();
            List<Socket> held = new ArrayList<>();
            acceptor.submit(() -> {
                while (!silent.isClosed()) {
                    held.add(silent.accept()); // accept and never answer
                }
                return null;
            });
            register("cu-dead", deadPort);
            register("cu-silent", silent.getLocalPort());

            for (int i = 0; i < 8; i++) {
                Http.Response r = fe.get("/worker-types/cu/profiles");
                assertThat(r.status()).as("call %d still served by a live worker: %s", i, r).isEqualTo(200);
            }

            cuA.close();
            cuB.close();
            be.delete("/workers/cu-dead");
            // the fake workers do not heartbeat by themselves
            assertThat(be.send("PUT", "/workers/cu-silent/heartbeat", null, new byte[0]).status()).isEqualTo(200);
            Http.Response timedOut = fe.get("/worker-types/cu/profiles");
            assertThat(timedOut.status()).as("only a silent worker left: %s", timedOut).isEqualTo(504);
            assertThat(timedOut.contentType()).startsWith("application/problem+json");

            be.delete("/workers/cu-silent");
            register("cu-dead", deadPort);
            Http.Response unreachable = fe.get("/worker-types/cu/profiles");
            assertThat(unreachable.status()).as("only an unreachable worker left").isEqualTo(503);

            be.delete("/workers/cu-dead");
            Http.Response none = fe.get("/worker-types/cu/profiles");
            assertThat(none.status()).as("no worker registered").isEqualTo(503);
            assertThat(none.json().path("detail").asText()).contains("no live worker");
            acceptor.shutdownNow();
            for (Socket s : held) {
                s.close();
            }
        } catch (IOException ignored) {
            // the acceptor ends when the socket closes
        }
    }

    private static void register(String instanceId, int port) {
        Http.Response r = be.postJson("/workers", "{\"instanceId\":\"" + instanceId + "\",\"workerType\":\"cu\","
                + "\"baseUrl\":\"http://127.0.0.1:" + port + "\",\"version\":\"test\"}");
        assertThat(r.status()).isEqualTo(201);
    }
}
