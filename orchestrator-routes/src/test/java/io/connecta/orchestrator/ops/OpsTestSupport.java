package io.connecta.orchestrator.ops;

import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One orchestrator for all operations tests (same configuration, so Spring's test context cache shares it), with
 * what production has and tests switch off by default: Camel's JMX MBeans (Hawtio's data) and metrics export.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@DisableJmx(false)
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator",
                "spring.datasource.url=jdbc:h2:mem:ops-${random.uuid};DB_CLOSE_DELAY=-1",
                "connecta.blob.local.root=${java.io.tmpdir}/connecta-ops-blobs-${random.uuid}",
                // a throttled client waits long enough for the throttle tests to see it on a slow machine
                "connecta.ops.login-throttle.initial-wait=60s"})
abstract class OpsTestSupport {

    static final String USER = "admin";
    static final String PASSWORD = "connecta-dev";

    @LocalServerPort
    int port;

    /** No credentials. */
    Http http;
    /** Tokens from this orchestrator's dev issuer. */
    DevTokens tokens;
    /** The APIs as a viewer (a dev token). */
    Http api;

    @BeforeEach
    void client() {
        http = new Http(base());
        tokens = new DevTokens(base());
        api = http.bearer(tokens.viewer());
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    static HttpRequest.Builder basic(HttpRequest.Builder request, String user, String password) {
        return request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    Http.Response getAsOperator(String path) {
        return http.send(basic(http.request(path).GET(), USER, PASSWORD));
    }
}
