package io.connecta.orchestrator.ops;

import io.connecta.common.test.Http;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CORS for the FE API: only the configured origins (connecta.ops.cors.allowed-origins; http://localhost:4200 in dev). */
class OpsCorsTest extends OpsTestSupport {

    static final String ALLOWED = "http://localhost:4200";
    static final String OTHER = "http://evil.example";

    Http.Response preflight(String origin, String method, String headers) {
        return http.send(http.request("/api/fe/v1/workers").header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", headers)
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void preflightFromAllowedOriginGetsTheAllowHeaders() {
        Http.Response r = preflight(ALLOWED, "POST", "authorization,content-type,idempotency-key");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(r.header("Access-Control-Allow-Methods")).contains("GET", "POST", "PUT", "DELETE", "OPTIONS");
        assertThat(r.header("Access-Control-Allow-Headers").toLowerCase()).contains("content-type", "idempotency-key");
    }

    @Test
    void preflightFromAnotherOriginIsRefusedWith403() {
        Http.Response r = preflight(OTHER, "GET", "content-type");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void preflightAskingForAnUnlistedHeaderIsRefused() {
        Http.Response r = preflight(ALLOWED, "GET", "x-secret");
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void realRequestFromAllowedOriginExposesLocation() {
        Http.Response r = api.send(api.request("/api/fe/v1/workers").header("Origin", ALLOWED).GET());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(r.header("Access-Control-Expose-Headers")).contains("Location");
    }

    @Test
    void realRequestFromAnotherOriginGetsNoAllowOrigin() {
        Http.Response r = api.send(api.request("/api/fe/v1/workers").header("Origin", OTHER).GET());
        assertThat(r.header("Access-Control-Allow-Origin")).as("the browser must not hand the body to %s", OTHER).isNull();
    }

    @Test
    void requestsWithoutOriginAreNotCorsAndStayOpen() {
        assertThat(api.get("/api/fe/v1/workers").status()).isEqualTo(200);
        assertThat(api.get("/api/fe/v1/workers").header("Access-Control-Allow-Origin")).isNull();
    }
}
