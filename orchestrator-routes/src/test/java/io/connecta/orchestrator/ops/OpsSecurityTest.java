package io.connecta.orchestrator.ops;

import io.connecta.common.test.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hawtio, Jolokia and the actuator behind the operator login; the APIs and probes stay open. */
class OpsSecurityTest extends OpsTestSupport {

    static final String JOLOKIA_VERSION = "/actuator/hawtio/jolokia/version";

    @ParameterizedTest
    @ValueSource(strings = {JOLOKIA_VERSION, "/actuator/jolokia/version", "/actuator/hawtio/proxy/enabled",
            "/actuator/hawtio/jolokia/search/org.apache.camel:type=routes,*", "/actuator/env"})
    void hawtioApiJolokiaAndOtherActuatorEndpointsAnswer401WithoutCredentials(String path) {
        Http.Response r = http.get(path);
        assertThat(r.status()).as("%s without credentials: %s", path, r).isEqualTo(401);
    }

    @Test
    void wrongPasswordIsRefusedWith401() {
        Http.Response r = http.send(basic(http.request(JOLOKIA_VERSION).GET(), USER, "wrong"));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void operatorReachesJolokiaThroughHawtioAndSeesTheCamelRoutes() {
        Http.Response version = getAsOperator(JOLOKIA_VERSION);
        assertThat(version.status()).as("%s", version).isEqualTo(200);
        assertThat(version.json().path("value").path("agent").asText()).as("the Jolokia agent answers").isNotBlank();

        Http.Response routes = getAsOperator("/actuator/hawtio/jolokia/search/org.apache.camel:type=routes,*");
        assertThat(routes.status()).isEqualTo(200);
        assertThat(routes.body()).as("route MBeans by route id").contains("worker-register", "worker-list",
                "profile-passthrough");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health", "/actuator/health/liveness", "/api-docs/"})
    void probesAndDocsStayOpenWithoutCredentials(String path) {
        Http.Response r = http.get(path);
        assertThat(r.status()).as("%s without credentials: %s", path, r).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/prometheus", "/actuator/info"})
    void metricsAndInfoTakeTheOperatorLogin(String path) {
        assertThat(http.get(path).status()).as("%s without credentials", path).isEqualTo(401);
        assertThat(getAsOperator(path).status()).as("%s as the operator", path).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/fe/v1/workers", "/api/fe/v1/openapi.json", "/api/be/v1/openapi.json"})
    void apisAnswerOnlyWithABearerToken(String path) {
        Http.Response anonymous = http.get(path);
        assertThat(anonymous.status()).as("%s without a token: %s", path, anonymous).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        Http.Response r = api.get(path);
        assertThat(r.status()).as("%s as a viewer: %s", path, r).isEqualTo(200);
    }

    @Test
    void hawtioPageShellLoadsWithoutCredentialsSoItsLoginFormCanShow() {
        Http.Response r = http.get("/actuator/hawtio/index.html");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<div id=\"root\"");
    }

    @Test
    void hawtioLoginFormStartsASessionThatJolokiaAcceptsWithItsCsrfToken() {
        Http.Response refused = http.send(http.request("/actuator/hawtio/auth/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"nope\"}")));
        assertThat(refused.status()).as("wrong password: %s", refused).isEqualTo(401);

        Http.Response login = http.send(http.request("/actuator/hawtio/auth/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"connecta-dev\"}")));
        assertThat(login.status()).as("login: %s", login).isEqualTo(200);
        assertThat(login.body()).as("Hawtio's answer names the user").contains("admin");
        String session = cookie(login, OpsConsoleHardeningTest.SESSION);
        assertThat(session).as("a session cookie").isNotNull();

        Http.Response read = http.send(http.request(JOLOKIA_VERSION).header("Cookie", OpsConsoleHardeningTest.SESSION + "=" + session)
                .header("Referer", base() + "/actuator/hawtio/").GET());
        assertThat(read.status()).as("Jolokia with the session: %s", read).isEqualTo(200);
        assertThat(http.send(http.request("/actuator/hawtio/user").header("Cookie", OpsConsoleHardeningTest.SESSION + "=" + session).GET()).body().trim())
                .as("Hawtio's user servlet knows the user").isEqualTo("\"admin\"");

        String post = "{\"type\":\"version\"}";
        Http.Response noToken = http.send(http.request("/actuator/hawtio/jolokia").header("Cookie", OpsConsoleHardeningTest.SESSION + "=" + session)
                .header("Origin", base()).header("Content-Type", "text/json").POST(HttpRequest.BodyPublishers.ofString(post)));
        assertThat(noToken.status()).as("a POST without the CSRF token is refused").isEqualTo(403);

        String xsrf = cookie(read, "XSRF-TOKEN");
        assertThat(xsrf).as("the CSRF cookie Hawtio's client reads").isNotNull();
        Http.Response withToken = http.send(http.request("/actuator/hawtio/jolokia")
                .header("Cookie", OpsConsoleHardeningTest.SESSION + "=" + session + "; XSRF-TOKEN=" + xsrf).header("X-XSRF-TOKEN", xsrf)
                .header("Origin", base()).header("Content-Type", "text/json").POST(HttpRequest.BodyPublishers.ofString(post)));
        assertThat(withToken.status()).as("%s", withToken).isEqualTo(200);
    }

    static String cookie(Http.Response r, String name) {
        List<String> cookies = r.raw().headers().allValues("Set-Cookie");
        return cookies.stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.contains(";") ? c.indexOf(';') : c.length()))
                .findFirst().orElse(null);
    }
}
