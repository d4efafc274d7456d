package io.connecta.common.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small real token issuer for tests of an app without an orchestrator at hand (a worker alone, the profiles API):
 * an HTTP server on a free loopback port with {@code /oauth2/jwks} and a client_credentials {@code /oauth2/token}
 * that knows the dev clients of {@link DevTokens} and gives them the roles the dev issuer gives. It also mints tokens
 * of any shape ({@link #token}) for the attacker's tests: expired, another audience, another key. Apps point at it
 * with {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri=}{@link #jwkSetUri()}.
 */
public final class TestIssuer implements AutoCloseable {

    /** The roles each dev client's tokens carry (as orchestrator-dev.yml says). */
    public static final Map<String, List<String>> ROLES = Map.of(
            DevTokens.VIEWER, List.of("connecta-viewer"),
            DevTokens.SUBMITTER, List.of("connecta-submitter"),
            DevTokens.ADMIN, List.of("connecta-admin"),
            DevTokens.ORCHESTRATOR, List.of("connecta-orchestrator"),
            DevTokens.WORKER_CU, List.of("connecta-worker"));

    private final RSAKey key;
    private final HttpServer server;

    private TestIssuer(RSAKey key) {
        this.key = key;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/oauth2/jwks", x -> answer(x, 200, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext("/oauth2/token", this::tokenEndpoint);
        server.start();
    }

    /** An issuer with a fresh key of its own. */
    public static TestIssuer start() {
        return new TestIssuer(newKey());
    }

    /** An issuer that signs with the key in {@code jwkFile} (the dev issuer's key file, to mint tokens it would sign). */
    public static TestIssuer withKeyFile(Path jwkFile) {
        try {
            return new TestIssuer(RSAKey.parse(Files.readString(jwkFile)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK: " + jwkFile, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwkSetUri() {
        return url() + "/oauth2/jwks";
    }

    /** Dev tokens from this issuer. */
    public DevTokens tokens() {
        return new DevTokens(url());
    }

    /** A signed token for {@code subject} with these roles and audience, valid from now for {@code ttl}
     * (negative: expired that long ago; resource servers allow 60 s of clock skew). */
    public String token(String subject, List<String> roles, List<String> audience, Duration ttl) {
        Instant now = Instant.now();
        Instant issued = ttl.isNegative() ? now.plus(ttl.multipliedBy(2)) : now;
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(url())
                .subject(subject)
                .audience(audience)
                .claim("roles", roles)
                .issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void tokenEndpoint(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String client = null;
        if (auth != null && auth.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            if (pair.length == 2 && pair[1].equals(DevTokens.SECRETS.get(pair[0]))) {
                client = pair[0];
            }
        }
        x.getRequestBody().readAllBytes();
        if (client == null) {
            answer(x, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = token(client, ROLES.get(client), List.of("connecta"), Duration.ofHours(1));
        answer(x, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
