package io.connecta.orchestrator.ops;

import io.connecta.common.test.Http;
import io.connecta.common.test.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consoles as an attacker tries them (issue 11): Jolokia driven from a cross-site page with the operator's
 * session, JVM-level MBeans, the session cookie, and password guessing through HTTP Basic and Hawtio's login form.
 */
class OpsConsoleHardeningTest extends OpsTestSupport {

    static final String GC = "/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc";
    static final String SESSION = "CONNECTA_ORCHESTRATOR_SESSION";

    /** The operator, logged in through Hawtio's form: the session and the CSRF token a browser would hold. */
    record Session(String id, String xsrf) {
        String cookies() {
            return SESSION + "=" + id + (xsrf == null ? "" : "; XSRF-TOKEN=" + xsrf);
        }
    }

    Session login() {
        Http.Response login = http.send(http.request("/actuator/hawtio/auth/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"connecta-dev\"}")));
        assertThat(login.status()).as("login: %s", login).isEqualTo(200);
        String id = OpsSecurityTest.cookie(login, SESSION);
        assertThat(id).as("the orchestrator's own session cookie %s in %s", SESSION,
                login.raw().headers().allValues("Set-Cookie")).isNotNull();
        Http.Response read = http.send(http.request(OpsSecurityTest.JOLOKIA_VERSION).header("Cookie", SESSION + "=" + id)
                .header("Referer", base() + "/actuator/hawtio/camel/routes").GET());
        return new Session(id, OpsSecurityTest.cookie(read, "XSRF-TOKEN"));
    }

    // --- Jolokia: exec and write by POST only ---------------------------------------------------------------------------

    @Test
    void getExecOfGcWithTheOperatorsSessionIsRefused() {
        Session s = login();
        Http.Response r = http.send(http.request(GC).header("Cookie", s.cookies())
                .header("Referer", base() + "/actuator/hawtio/").GET());
        assertThat(r.status()).as("a GET that runs an operation (an <img> on any page could send it): %s", r).isEqualTo(405);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body()).doesNotContain("\"value\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {GC, "/actuator/jolokia/exec/java.lang:type=Memory/gc", "/actuator/hawtio/jolokia/%65xec/java.lang:type=Memory/gc",
            "/actuator/hawtio/jolokia/EXEC/java.lang:type=Memory/gc", "/actuator/hawtio/jolokia/?p=/exec/java.lang:type=Memory/gc",
            "/actuator/hawtio/jolokia/write/java.lang:type=Memory/Verbose/true"})
    void getExecOrWriteIsRefusedEvenWithBasicCredentials(String path) {
        Http.Response r = getAsOperator(path);
        assertThat(r.status()).as("%s: %s", path, r).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("POST");
    }

    /** A Jolokia POST as Hawtio sends it: the session, the CSRF token, its own Origin. */
    Http.Response hawtioPost(Session s, String json) {
        return http.send(http.request("/actuator/hawtio/jolokia").header("Cookie", s.cookies())
                .header("X-XSRF-TOKEN", s.xsrf()).header("Origin", base()).header("Content-Type", "text/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void hawtiosOwnSessionPostWithItsOriginAndTokenWorks() {
        Http.Response r = hawtioPost(login(), "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("status").asInt()).isEqualTo(200);
    }

    // --- Jolokia: origin checked -------------------------------------------------------------------------------------

    @Test
    void postWithAForeignOriginIsRefused() {
        Session s = login();
        Http.Response withSession = http.send(http.request("/actuator/hawtio/jolokia").header("Cookie", s.cookies())
                .header("X-XSRF-TOKEN", s.xsrf()).header("Origin", "http://evil.example").header("Content-Type", "text/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}")));
        assertThat(withSession.status()).as("%s", withSession).isEqualTo(403);

        Http.Response withBasic = getAsOperatorWith(OpsSecurityTest.JOLOKIA_VERSION, "Origin", "http://evil.example");
        assertThat(withBasic.status()).as("a browser that cached the Basic credentials, on a foreign page: %s", withBasic)
                .isEqualTo(403);

        Http.Response referer = getAsOperatorWith(OpsSecurityTest.JOLOKIA_VERSION, "Referer", "http://evil.example/page.html");
        assertThat(referer.status()).as("a foreign Referer when there is no Origin: %s", referer).isEqualTo(403);

        Http.Response preflight = http.send(http.request("/actuator/hawtio/jolokia").header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.status()).as("%s", preflight).isIn(401, 403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aSessionRequestWithoutOriginOrRefererIsRefused() {
        Session s = login();
        Http.Response r = http.send(http.request(OpsSecurityTest.JOLOKIA_VERSION).header("Cookie", s.cookies()).GET());
        assertThat(r.status()).as("strict checking: a browser always says where a request comes from: %s", r).isEqualTo(403);
    }

    @Test
    void sameOriginReadsWork() {
        Http.Response r = getAsOperatorWith("/actuator/hawtio/jolokia/read/java.lang:type=Memory/HeapMemoryUsage",
                "Origin", base());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("value").path("used").asLong()).isPositive();
    }

    // --- Jolokia: dangerous MBeans ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties\"}",
            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"compilerDirectivesAdd\",\"arguments\":[\"/etc/passwd\"]}",
            "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/x.hprof\",true]}",
            "{\"type\":\"read\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"attribute\":\"DiagnosticOptions\"}",
            "{\"type\":\"exec\",\"mbean\":\"jdk.management.jfr:type=FlightRecorder\",\"operation\":\"newRecording\"}",
            "{\"type\":\"read\",\"mbean\":\"JMImplementation:type=MBeanServerDelegate\",\"attribute\":\"MBeanServerId\"}"})
    void jvmLevelMBeansAreDenied(String request) {
        Http.Response r = hawtioPost(login(), request);
        int status = r.status() == 200 ? r.json().path("status").asInt() : r.status();
        assertThat(status).as("%s → %s", request, r).isEqualTo(403);
        assertThat(r.body()).doesNotContain("\"value\"");
    }

    // --- the session cookie -------------------------------------------------------------------------------------------

    @Test
    void sessionCookieIsTheOrchestratorsOwnHttpOnlyAndSameSiteStrict() {
        Http.Response login = http.send(http.request("/actuator/hawtio/auth/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"connecta-dev\"}")));
        List<String> cookies = login.raw().headers().allValues("Set-Cookie");
        String session = cookies.stream().filter(c -> c.startsWith(SESSION + "=")).findFirst().orElse(null);
        assertThat(session).as("%s", cookies).isNotNull().contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        assertThat(cookies).as("no generic JSESSIONID that the CU worker on the same host would overwrite")
                .noneMatch(c -> c.startsWith("JSESSIONID="));
        String xsrf = getAsOperatorWith(OpsSecurityTest.JOLOKIA_VERSION, "Origin", base()).raw().headers()
                .allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN=")).findFirst().orElse(null);
        assertThat(xsrf).as("the CSRF cookie").isNotNull().containsIgnoringCase("SameSite=Strict");
    }

    // --- one login throttle, per client ---------------------------------------------------------------------------------

    static String basicHeader(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    RawHttp.Response basicFrom(String client, String password) {
        return RawHttp.send(client, port, "GET " + OpsSecurityTest.JOLOKIA_VERSION + " HTTP/1.1\r\n" + basicHeader(USER, password),
                new byte[0]);
    }

    RawHttp.Response formFrom(String client, String password) {
        byte[] body = ("{\"username\":\"admin\",\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8);
        return RawHttp.send(client, port, "POST /actuator/hawtio/auth/login HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length, body);
    }

    @Test
    void basicGuessingFromOneAddressIsThrottledWithoutLockingTheOperatorOutElsewhere() {
        for (int i = 0; i < 5; i++) {
            assertThat(basicFrom("127.0.0.2", "guess-" + i).status()).as("free failure %d", i).isEqualTo(401);
        }
        RawHttp.Response throttled = basicFrom("127.0.0.2", "guess-5");
        assertThat(throttled.status()).as("%s", throttled).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
        assertThat(basicFrom("127.0.0.2", PASSWORD).status()).as("even the right password waits at that address").isEqualTo(429);
        assertThat(formFrom("127.0.0.2", PASSWORD).status()).as("and Hawtio's form is the same throttle").isEqualTo(429);

        assertThat(basicFrom("127.0.0.1", PASSWORD).status()).as("the operator elsewhere, Basic").isEqualTo(200);
        assertThat(formFrom("127.0.0.1", PASSWORD).status()).as("the operator elsewhere, Hawtio's form").isEqualTo(200);
    }

    @Test
    void formGuessingFromOneAddressIsThrottledWithoutLockingTheOperatorOutElsewhere() {
        for (int i = 0; i < 5; i++) {
            assertThat(formFrom("127.0.0.3", "guess-" + i).status()).as("free failure %d", i).isEqualTo(401);
        }
        RawHttp.Response throttled = formFrom("127.0.0.3", "guess-5");
        assertThat(throttled.status()).as("%s", throttled).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
        assertThat(basicFrom("127.0.0.3", PASSWORD).status()).as("HTTP Basic is the same throttle").isEqualTo(429);

        assertThat(formFrom("127.0.0.4", PASSWORD).status()).as("the operator elsewhere, Hawtio's form").isEqualTo(200);
        assertThat(basicFrom("127.0.0.4", PASSWORD).status()).as("the operator elsewhere, Basic").isEqualTo(200);
    }

    Http.Response getAsOperatorWith(String path, String header, String value) {
        return http.send(basic(http.request(path).header(header, value), USER, PASSWORD).GET());
    }
}
