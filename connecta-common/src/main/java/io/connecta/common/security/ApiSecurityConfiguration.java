package io.connecta.common.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.connecta.common.ops.OpsProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.StringUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static io.connecta.common.security.Roles.ADMIN;
import static io.connecta.common.security.Roles.ORCHESTRATOR;
import static io.connecta.common.security.Roles.SUBMITTER;
import static io.connecta.common.security.Roles.VIEWER;
import static io.connecta.common.security.Roles.WORKER;

/**
 * The APIs ({@code /api/**} of both apps) as an OAuth2 resource server for JWT bearer tokens, stateless, without CSRF
 * (no cookies are read). Takes the issuer from Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
 * (or {@code jwk-set-uri}), or the keys of a development issuer running in this app (a {@link JWKSource} bean), and
 * the rules of {@link ApiSecurityProperties}. Gives:
 * <ul>
 *   <li>a token that is missing, expired, not signed by the issuer's keys, of another issuer, or whose {@code aud}
 *       lacks {@code connecta.security.audience} → 401 problem+json with {@code WWW-Authenticate: Bearer};</li>
 *   <li>roles (from {@code connecta.security.roles-claim}, {@link Roles#hierarchy()}) that do not allow the call →
 *       403 problem+json. FE API ({@code /api/fe/**}): GET needs {@link Roles#VIEWER}; submitting, cancelling and
 *       rerunning jobs {@link Roles#SUBMITTER}; anything else (profile writes) {@link Roles#ADMIN}. BE API
 *       ({@code /api/be/**}): {@link Roles#WORKER}. A worker's profile API ({@code /api/v1/profiles/**}):
 *       {@link Roles#ORCHESTRATOR} or {@link Roles#ADMIN}. The OpenAPI documents: any of these roles.</li>
 * </ul>
 * An app with neither an issuer nor a development issuer refuses to start, naming the property to set.
 * The FE API answers CORS requests from {@code connecta.ops.cors.allowed-origins} only.
 */
@Configuration
@EnableConfigurationProperties({ApiSecurityProperties.class, OpsProperties.class})
public class ApiSecurityConfiguration {

    static final String ISSUER_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, OpsProperties ops, ApiSecurityProperties properties,
                                               JwtDecoder apiJwtDecoder, ObjectMapper json) throws Exception {
        SecurityProblems problems = new SecurityProblems(json);
        JwtRolesConverter roles = new JwtRolesConverter(properties.getRolesClaim(), Roles.hierarchy());
        return http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/fe/v1/openapi.json", "/api/be/v1/openapi.json",
                                "/api/openapi.json", "/api/v1/openapi.json").hasAnyRole(VIEWER, WORKER, ORCHESTRATOR)
                        .requestMatchers(HttpMethod.GET, "/api/fe/**").hasRole(VIEWER)
                        .requestMatchers(HttpMethod.POST, "/api/fe/v1/jobs", "/api/fe/v1/jobs/*/cancel",
                                "/api/fe/v1/jobs/*/rerun").hasRole(SUBMITTER)
                        .requestMatchers("/api/fe/**").hasRole(ADMIN)
                        .requestMatchers("/api/be/**").hasRole(WORKER)
                        .requestMatchers("/api/v1/profiles", "/api/v1/profiles/**").hasAnyRole(ORCHESTRATOR, ADMIN)
                        .anyRequest().denyAll())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.decoder(apiJwtDecoder).jwtAuthenticationConverter(roles))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .csrf(csrf -> csrf.disable())
                .cors(cors -> cors.configurationSource(feApiCors(ops)))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .build();
    }

    /**
     * Checks bearer tokens: the keys of the development issuer in this app if there is one, else the configured
     * issuer's (fetched on first use, so the issuer need not be up when the app starts).
     */
    @Bean
    JwtDecoder apiJwtDecoder(ApiSecurityProperties properties, OAuth2ResourceServerProperties resourceServer,
                             ObjectProvider<JWKSource<SecurityContext>> localKeys) {
        String issuer = resourceServer.getJwt().getIssuerUri();
        String jwkSetUri = resourceServer.getJwt().getJwkSetUri();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(StringUtils.hasText(issuer) ? JwtValidators.createDefaultWithIssuer(issuer)
                : JwtValidators.createDefault());
        validators.add(audience(properties.getAudience()));
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);

        JWKSource<SecurityContext> local = localKeys.getIfAvailable();
        if (local != null && !StringUtils.hasText(issuer) && !StringUtils.hasText(jwkSetUri)) {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, local));
            processor.setJWTClaimsSetVerifier((claims, context) -> { }); // the validators below check the claims
            NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
            decoder.setJwtValidator(validator);
            return decoder;
        }
        if (StringUtils.hasText(jwkSetUri)) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
            decoder.setJwtValidator(validator);
            return decoder;
        }
        if (StringUtils.hasText(issuer)) {
            return new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
                decoder.setJwtValidator(validator);
                return decoder;
            });
        }
        throw new IllegalStateException("No token issuer is configured for the APIs: set " + ISSUER_PROPERTY
                + " (env SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI; or ...jwt.jwk-set-uri), e.g. your Entra ID"
                + " or Keycloak realm. Only the development set-up (Spring profile dev) has an issuer of its own.");
    }

    /**
     * This app's service credential for calls to the other apps (client registration
     * {@code connecta.security.client-registration}); without a client registration at all, calls fail with a message
     * naming the properties to set.
     */
    @Bean
    ServiceTokens serviceTokens(ObjectProvider<ClientRegistrationRepository> registrations,
                                ApiSecurityProperties properties) {
        ClientRegistrationRepository repository = registrations.getIfAvailable(() -> id -> null);
        return new ServiceTokens(repository, properties.getClientRegistration());
    }

    /** See {@link ApiHeaderFilterStrategy}: the caller's token stays out of the routes. */
    @Bean(ApiHeaderFilterStrategy.BEAN)
    ApiHeaderFilterStrategy apiHeaderFilterStrategy() {
        return new ApiHeaderFilterStrategy();
    }

    static OAuth2TokenValidator<Jwt> audience(String audience) {
        return new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(audience));
    }

    static UrlBasedCorsConfigurationSource feApiCors(OpsProperties ops) {
        CorsConfiguration fe = new CorsConfiguration();
        fe.setAllowedOrigins(List.copyOf(ops.getCors().getAllowedOrigins()));
        fe.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS"));
        fe.setAllowedHeaders(List.of("Content-Type", "Idempotency-Key", "Authorization", "Last-Event-ID"));
        fe.setExposedHeaders(List.of("Location"));
        fe.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/fe/**", fe);
        return source;
    }
}
