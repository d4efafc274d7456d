package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.test.Await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak (the distribution Maven unpacks into {@code route-tests/target/keycloak}, system property
 * {@code keycloak.home}) started as its own process in dev mode on a free loopback port, with an in-memory database
 * and the realm {@code route-tests/src/test/resources/keycloak/connecta-realm.json} imported. Keycloak needs Java 21+:
 * {@code KEYCLOAK_JAVA_HOME}, else the newest JDK under {@code /usr/lib/jvm} with a release of 21 or more.
 */
final class Keycloak implements AutoCloseable {

    static final String REALM = "connecta";
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    private final Process process;
    private final Path log;

    private Keycloak(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts Keycloak and waits (up to 5 minutes: its first start builds itself) until the realm answers. */
    static Keycloak start() {
        Path home = Path.of(System.getProperty("keycloak.home", "route-tests/target/keycloak/keycloak-26.4.7"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak at " + home + ": run the tests through Maven (pre-integration-test unpacks it)");
        }
        int port = Apps.freePort();
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (InputStream realm = Keycloak.class.getResourceAsStream("/keycloak/connecta-realm.json")) {
                Files.copy(realm, imports.resolve("connecta-realm.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path log = Files.createDirectories(AppProcess.ROOT.resolve("route-tests/target/it-logs")).resolve("keycloak.log");
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + port, "--db=dev-mem", "--import-realm",
                    "--http-management-port=" + Apps.freePort(), "--health-enabled=false")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", javaHome().toString());
            // Quarkus' worker threads reset thread locals by reflection: Java 24+ allows it only when opened
            pb.environment().put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "kc-admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "kc-admin-" + System.nanoTime());
            Keycloak kc = new Keycloak(port, pb.start(), log);
            Await.until("Keycloak is up (log " + log + ")", Duration.ofMinutes(5), () -> {
                if (!kc.process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + kc.process.exitValue() + "; see " + log);
                }
                return kc.get("/.well-known/openid-configuration").statusCode() == 200;
            });
            return kc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path javaHome() {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(jdk -> Files.isExecutable(jdk.resolve("bin/java")))
                    .filter(jdk -> feature(jdk) >= 21)
                    .max(Comparator.comparingInt(Keycloak::feature))
                    .orElseThrow(() -> new IllegalStateException("Keycloak needs Java 21+: none under /usr/lib/jvm; set KEYCLOAK_JAVA_HOME"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java feature release of a JDK, from its {@code release} file (0 if unknown). */
    private static int feature(Path jdk) {
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The issuer of the realm's tokens ({@code iss}). */
    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /** An access token of a confidential client by the client credentials grant. */
    String clientToken(String clientId, String secret) {
        HttpResponse<String> r = post(issuer() + "/protocol/openid-connect/token", Map.of(
                "grant_type", "client_credentials", "client_id", clientId, "client_secret", secret), HttpClient.newHttpClient());
        return accessToken(r);
    }

    /**
     * An access token of a user, the way the Angular app gets one: the authorization code flow with PKCE (S256) of the
     * public client {@code connecta-fe}, the user's name and password typed into Keycloak's own login form.
     */
    String userToken(String username, String password) {
        // Keycloak marks its login cookies Secure, which java.net's CookieManager never sends over http: a browser does
        // (127.0.0.1 is a secure context), so the cookies are carried by hand
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, String> cookies = new java.util.LinkedHashMap<>();
        String verifier = base64Url(randomBytes(32));
        String redirect = "http://127.0.0.1:4200/callback";
        String authorize = issuer() + "/protocol/openid-connect/auth?" + form(Map.of("client_id", "connecta-fe",
                "response_type", "code", "scope", "openid", "redirect_uri", redirect, "state", "s1",
                "code_challenge", base64Url(sha256(verifier)), "code_challenge_method", "S256"));
        HttpResponse<String> page = withCookies(browser, HttpRequest.newBuilder(URI.create(authorize)).GET(), cookies);
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException("no login form: " + page.statusCode() + " " + page.body());
        }
        HttpResponse<String> login = withCookies(browser, HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", username, "password", password)))), cookies);
        String location = login.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("login did not redirect: " + login.statusCode()));
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!location.startsWith(redirect) || !code.find()) {
            throw new IllegalStateException("no code in " + location);
        }
        return accessToken(post(issuer() + "/protocol/openid-connect/token", Map.of("grant_type", "authorization_code",
                "client_id", "connecta-fe", "code", code.group(1), "redirect_uri", redirect,
                "code_verifier", verifier), browser));
    }

    private static HttpResponse<String> withCookies(HttpClient client, HttpRequest.Builder request, Map<String, String> cookies) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = send(client, request);
        r.headers().allValues("Set-Cookie").forEach(c -> {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        });
        return r;
    }

    private HttpResponse<String> get(String path) {
        return send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(issuer() + path)).timeout(Duration.ofSeconds(5)));
    }

    private static HttpResponse<String> post(String url, Map<String, String> fields, HttpClient client) {
        return send(client, HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String accessToken(HttpResponse<String> r) {
        try {
            JsonNode body = JSON.readTree(r.body());
            return Optional.ofNullable(body.get("access_token")).map(JsonNode::asText)
                    .orElseThrow(() -> new IllegalStateException("no token: " + r.statusCode() + " " + r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Stops Keycloak and everything it started (kc.sh runs java as a child). */
    @Override
    public void close() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        Await.until("Keycloak stopped", Duration.ofSeconds(60), () -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }
}
