package io.connecta.orchestrator.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.connecta.common.security.ApiSecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.List;
import java.util.UUID;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * The local development issuer (Spring Authorization Server), Spring profile {@code dev} only, never in production.
 * Takes the clients of {@link DevIssuerProperties} (orchestrator-dev.yml); gives client_credentials access tokens
 * (JWT, RS256) at {@code /oauth2/token}, its keys at {@code /oauth2/jwks} and its metadata at
 * {@code /.well-known/openid-configuration}, with issuer {@code http://<host:port the caller used>}. Each token carries
 * {@code aud: [connecta.security.audience]} and {@code roles: [the client's roles]}. The signing key is kept in
 * {@code connecta.security.dev-issuer.key-file} (under {@code ${connecta.var-dir}/data/orchestrator/}), so tokens and
 * the workers' key caches survive a restart. The APIs of this app check tokens against these keys directly; the
 * orchestrator's own service credential ({@code connecta-orchestrator}) comes from this issuer over HTTP like any
 * client's.
 */
@Configuration
@Profile("dev")
@EnableConfigurationProperties(DevIssuerProperties.class)
public class DevIssuerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DevIssuerConfiguration.class);

    /** The client setting that holds a client's roles. */
    static final String ROLES_SETTING = "connecta.roles";

    /** The client id of the orchestrator's own service credential. */
    public static final String ORCHESTRATOR_CLIENT = "connecta-orchestrator";

    @Bean
    @Order(0)
    SecurityFilterChain devIssuerSecurityFilterChain(HttpSecurity http) throws Exception {
        LOG.warn("*** SECURITY: the local DEVELOPMENT token issuer is on (Spring profile dev): anyone who can reach this"
                + " port and knows the fixed dev client secrets of orchestrator-dev.yml gets tokens for every role."
                + " Never run profile dev outside a local dev set-up; configure"
                + " spring.security.oauth2.resourceserver.jwt.issuer-uri instead. ***");
        OAuth2AuthorizationServerConfigurer issuer = OAuth2AuthorizationServerConfigurer.authorizationServer();
        return http
                .securityMatcher(issuer.getEndpointsMatcher())
                .with(issuer, s -> s.oidc(withDefaults()))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .csrf(csrf -> csrf.ignoringRequestMatchers(issuer.getEndpointsMatcher()))
                .build();
    }

    @Bean
    RegisteredClientRepository devClients(DevIssuerProperties properties) {
        List<RegisteredClient> clients = properties.getClients().stream().map(c -> {
            String secret = c.getSecret().startsWith("{") ? c.getSecret() : "{noop}" + c.getSecret();
            return RegisteredClient.withId(UUID.nameUUIDFromBytes(c.getId().getBytes(StandardCharsets.UTF_8)).toString())
                    .clientId(c.getId())
                    .clientSecret(secret)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .clientSettings(ClientSettings.builder().setting(ROLES_SETTING, List.copyOf(c.getRoles())).build())
                    .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(properties.getTokenTtl()).build())
                    .build();
        }).toList();
        if (clients.isEmpty()) {
            throw new IllegalStateException("the dev issuer has no clients: set connecta.security.dev-issuer.clients");
        }
        return new InMemoryRegisteredClientRepository(clients);
    }

    /** Puts the audience and the client's roles into every access token. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> devTokenClaims(ApiSecurityProperties api) {
        return context -> {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                List<String> roles = context.getRegisteredClient().getClientSettings().getSetting(ROLES_SETTING);
                context.getClaims().audience(List.of(api.getAudience()));
                context.getClaims().claim("roles", roles == null ? List.of() : roles);
            }
        };
    }

    @Bean
    JWKSource<SecurityContext> devIssuerKeys(DevIssuerProperties properties) {
        return new ImmutableJWKSet<>(new JWKSet(signingKey(properties.getKeyFile())));
    }

    @Bean
    AuthorizationServerSettings devIssuerSettings() {
        return AuthorizationServerSettings.builder().build();
    }

    /**
     * The orchestrator's own client registration ({@code connecta}, client {@value #ORCHESTRATOR_CLIENT}) against this
     * issuer, whose port is known only once the web server runs (tests use a random one).
     */
    @Bean
    ClientRegistrationRepository devClientRegistrations(ApplicationContext context, DevIssuerProperties properties,
                                                        ApiSecurityProperties api) {
        DevIssuerProperties.Client own = properties.getClients().stream()
                .filter(c -> ORCHESTRATOR_CLIENT.equals(c.getId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("connecta.security.dev-issuer.clients has no "
                        + ORCHESTRATOR_CLIENT + " client"));
        return new ClientRegistrationRepository() {
            private volatile ClientRegistration registration;

            @Override
            public ClientRegistration findByRegistrationId(String id) {
                if (!api.getClientRegistration().equals(id)) {
                    return null;
                }
                if (registration == null) {
                    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
                    registration = ClientRegistration.withRegistrationId(id)
                            .clientId(own.getId())
                            .clientSecret(own.getSecret())
                            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                            .tokenUri("http://127.0.0.1:" + port + "/oauth2/token")
                            .build();
                }
                return registration;
            }
        };
    }

    /** The signing key from the key file; made and written (owner-only) on first start. */
    static RSAKey signingKey(Path keyFile) {
        try {
            if (keyFile != null && Files.isRegularFile(keyFile)) {
                return RSAKey.parse(Files.readString(keyFile));
            }
            RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            if (keyFile != null) {
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Path part = keyFile.resolveSibling(keyFile.getFileName() + ".part");
                Files.deleteIfExists(part);
                Files.createFile(part);
                try {
                    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // a file system without POSIX permissions: the var dir's own protection applies
                }
                Files.writeString(part, key.toJSONString());
                Files.move(part, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the dev issuer's key " + keyFile, e);
        } catch (ParseException | com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("the dev issuer's key " + keyFile + " is unreadable; delete it to make a new"
                    + " one", e);
        }
    }
}
