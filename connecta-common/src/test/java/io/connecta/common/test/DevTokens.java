package io.connecta.common.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens for tests, by client credentials from a running issuer's token endpoint ({@code /oauth2/token}): the
 * orchestrator's development issuer (profile dev, orchestrator-dev.yml) or a {@link TestIssuer}. Tokens are cached
 * per client.
 */
public final class DevTokens {

    /** The dev clients of orchestrator-dev.yml and their fixed secrets. */
    public static final Map<String, String> SECRETS = Map.of(
            "connecta-dev-viewer", "connecta-dev-viewer-secret",
            "connecta-dev-submitter", "connecta-dev-submitter-secret",
            "connecta-dev-admin", "connecta-dev-admin-secret",
            "connecta-orchestrator", "connecta-orchestrator-dev-secret",
            "connecta-worker-cu", "connecta-worker-cu-dev-secret");

    public static final String VIEWER = "connecta-dev-viewer";
    public static final String SUBMITTER = "connecta-dev-submitter";
    public static final String ADMIN = "connecta-dev-admin";
    public static final String ORCHESTRATOR = "connecta-orchestrator";
    public static final String WORKER_CU = "connecta-worker-cu";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String issuer;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** Takes the issuer's base URL (e.g. {@code http://127.0.0.1:<orchestrator port>}). */
    public DevTokens(String issuer) {
        this.issuer = issuer;
    }

    /** An access token of the dev client {@code clientId} (one of {@link #SECRETS}). */
    public String token(String clientId) {
        return tokens.computeIfAbsent(clientId, id -> fetch(id, SECRETS.get(id)));
    }

    public String viewer() {
        return token(VIEWER);
    }

    public String submitter() {
        return token(SUBMITTER);
    }

    public String admin() {
        return token(ADMIN);
    }

    /** An access token by client credentials; fails the test unless the issuer answers 200 with one. */
    public String fetch(String clientId, String secret) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("the issuer " + issuer + " gave no token to " + clientId + ": " + r.statusCode()
                        + " " + r.body());
            }
            JsonNode body = JSON.readTree(r.body());
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
