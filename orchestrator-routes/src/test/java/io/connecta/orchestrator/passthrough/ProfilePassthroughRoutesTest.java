package io.connecta.orchestrator.passthrough;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile passthrough against a worker that is not what it should be: a real HTTP server registered in the
 * registry that sets cookies, answers HTML, or points its Location elsewhere (issue 11).
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=orchestrator")
class ProfilePassthroughRoutesTest {

    static final String PROFILES = "/worker-types/cu/profiles";
    static final String PAGE = "{\"items\":[],\"total\":0,\"limit\":50,\"offset\":0}";

    /** What the fake worker answers next. */
    record Answer(int status, String contentType, String body, List<String[]> headers) {
        static Answer json(int status, String body, String... headerPairs) {
            return of(status, "application/json", body, headerPairs);
        }

        static Answer of(int status, String contentType, String body, String... headerPairs) {
            List<String[]> headers = new java.util.ArrayList<>();
            for (int i = 0; i < headerPairs.length; i += 2) {
                headers.add(new String[]{headerPairs[i], headerPairs[i + 1]});
            }
            return new Answer(status, contentType, body, headers);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    HttpServer worker;
    volatile Answer next;
    final List<String> cookiesSeen = new CopyOnWriteArrayList<>();
    final List<String> requestsSeen = new CopyOnWriteArrayList<>();
    Http fe;

    @BeforeEach
    void fakeWorker() throws IOException {
        worker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        worker.createContext("/", this::answer);
        worker.start();
        jdbc.update("DELETE FROM worker");
        DevTokens tokens = new DevTokens("http://127.0.0.1:" + port);
        Http be = new Http("http://127.0.0.1:" + port + "/api/be/v1").bearer(tokens.token(DevTokens.WORKER_CU));
        Http.Response registered = be.postJson("/workers", "{\"instanceId\":\"fake-cu\",\"workerType\":\"cu\","
                + "\"baseUrl\":\"http://127.0.0.1:" + worker.getAddress().getPort() + "\",\"version\":\"1\"}");
        assertThat(registered.status()).as("%s", registered).isEqualTo(201);
        fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1").bearer(tokens.admin());
    }

    @AfterEach
    void stop() {
        worker.stop(0);
        jdbc.update("DELETE FROM worker");
    }

    private void answer(HttpExchange exchange) throws IOException {
        requestsSeen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        if (cookies != null) {
            cookiesSeen.addAll(cookies);
        }
        exchange.getRequestBody().readAllBytes();
        Answer a = next;
        for (String[] h : a.headers()) {
            exchange.getResponseHeaders().add(h[0], h[1]);
        }
        if (a.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
        }
        byte[] body = a.body() == null ? new byte[0] : a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void workerCookiesAreNeitherKeptNorPassedOnAndTheCallersCookiesNeverReachTheWorker() {
        next = Answer.json(200, PAGE, "Set-Cookie", "tracker=worker-set; Path=/", "Set-Cookie", "JSESSIONID=w1; Path=/");
        Http.Response first = fe.send(fe.request(PROFILES).header("Cookie", "CONNECTA_ORCHESTRATOR_SESSION=operator-session").GET());
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.raw().headers().allValues("Set-Cookie")).as("the worker's cookies stay out of the answer").isEmpty();

        Http.Response second = fe.get(PROFILES);
        assertThat(second.status()).isEqualTo(200);
        assertThat(requestsSeen).hasSize(2);
        assertThat(cookiesSeen).as("no Cookie to the worker: not the caller's, not one the worker set before").isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "200 | text/html                | <html><title>Hawtio</title></html>",
            "200 | NONE                     | {\"items\":[]}",
            "200 | text/plain               | {\"items\":[]}",
            "200 | application/javascript   | alert(1)",
            "404 | text/html                | <h1>Whitelabel Error Page</h1>",
            "200 | application/jsonp        | {}",
            "200 | application/xml          | <a/>"})
    void anAnswerThatIsNotJsonIs502(int status, String contentType, String body) {
        next = Answer.of(status, contentType, body);
        Http.Response r = fe.get(PROFILES);
        assertThat(r.status()).as("%s", r).isEqualTo(502);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).contains("not JSON");
        assertThat(r.body()).doesNotContain("Hawtio", "Whitelabel", "alert(");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json;charset=UTF-8", "application/problem+json",
            "Application/Problem+JSON; charset=utf-8"})
    void jsonAnswersPassWithTheirStatus(String contentType) {
        next = Answer.of(404, contentType, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
        Http.Response r = fe.get(PROFILES + "/nope");
        assertThat(r.status()).as("%s", r).isEqualTo(404);
        assertThat(r.json().path("title").asText()).isEqualTo("Not Found");
    }

    @Test
    void anEmptyAnswerPasses() {
        next = Answer.of(204, null, null);
        Http.Response r = fe.delete(PROFILES + "/p1");
        assertThat(r.status()).as("%s", r).isEqualTo(204);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "/api/v1/profiles/p1                      | /api/fe/v1/worker-types/cu/profiles/p1",
            "/actuator/hawtio                         | NONE",
            "/actuator/env                            | NONE",
            "/api/v1/profiles/../../actuator          | NONE",
            "/api/v1/profiles/p1/../../../actuator    | NONE",
            "/api/v1/profiles/%2e%2e/%2e%2e/actuator  | NONE",
            "/api/v1/profiles/..                      | NONE",
            "../../actuator                           | NONE",
            "http://evil.example/api/v1/profiles/p1   | NONE",
            "//evil.example/api/v1/profiles/p1        | NONE",
            "/api/v1/profiles                         | NONE",
            "/api/v1/profiles/p1?next=http://evil.example | NONE"})
    void theLocationRewriteCannotBeSteeredOutOfTheProfilesPath(String workerLocation, String expected) {
        next = Answer.json(201, "{\"id\":\"p1\"}", "Location", workerLocation);
        Http.Response r = fe.postJson(PROFILES, "{\"id\":\"p1\",\"name\":\"P\",\"executable\":\"sample-cu\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.header("Location")).as("worker said Location: %s", workerLocation).isEqualTo(expected);
    }
}
