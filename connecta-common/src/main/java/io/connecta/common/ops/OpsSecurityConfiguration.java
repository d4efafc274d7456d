package io.connecta.common.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;

import java.time.Clock;
import java.util.List;

/**
 * Who may call what, for both apps:
 * <ul>
 *   <li>{@code /api/**} (machine-to-machine and front-end APIs): bearer tokens, see
 *       {@link io.connecta.common.security.ApiSecurityConfiguration}.</li>
 *   <li>{@code /actuator/health/**} and the API docs page (its documents need a token) are
 *       open.</li>
 *   <li>Hawtio's data (Jolokia, proxy) and every other actuator endpoint need the operator login
 *       ({@code connecta.ops.username} / {@code connecta.ops.password}): HTTP Basic, or a session from Hawtio's own
 *       login page ({@link HawtioLoginFilter}), both throttled per client ({@link ThrottledAuthentication}). Hawtio's
 *       page shell (HTML, JS, its login route) loads without it. Jolokia also answers only same-origin (or allowed)
 *       callers, and a GET only reads ({@link JolokiaGuard}, with the MBean policy {@code jolokia-access.xml}).</li>
 *   <li>The development password works only in the dev set-up (profile {@code dev}); elsewhere the app does not start.</li>
 * </ul>
 */
@Configuration
@EnableWebSecurity
@EnableConfigurationProperties(OpsProperties.class)
public class OpsSecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OpsSecurityConfiguration.class);

    /** The role of the operator user; Hawtio checks it too ({@code hawtio.roles}). */
    public static final String OPERATOR_ROLE = "admin";

    static final String HAWTIO = "/actuator/hawtio";

    /** The Spring profile of the dev set-up: only there is the development password accepted. */
    public static final String DEV_PROFILE = "dev";

    @Bean
    @Order(2)
    SecurityFilterChain opsSecurityFilterChain(HttpSecurity http, UserDetailsService users, PasswordEncoder passwordEncoder,
                                               ObjectMapper json, OpsProperties ops, LoginThrottle throttle) throws Exception {
        // one password check for HTTP Basic and Hawtio's login form, throttled per client address and user name
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(passwordEncoder);
        AuthenticationManager logins = new ThrottledAuthentication(new ProviderManager(provider), throttle);
        http
                .authenticationManager(logins)
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        // only the probes answer strangers; metrics (job and profile names) take the operator login, as
                        // a Prometheus scrape config's basic_auth gives it
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HAWTIO + "/jolokia/**", HAWTIO + "/proxy/**").hasRole(OPERATOR_ROLE)
                        // the page shell: static files, client-side routes, the login and user servlets
                        .requestMatchers(HAWTIO, HAWTIO + "/**").permitAll()
                        .requestMatchers("/api-docs", "/api-docs/**", "/webjars/**").permitAll()
                        .requestMatchers("/actuator/**").hasRole(OPERATOR_ROLE)
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(ThrottledAuthentication.entryPoint(basicEntryPoint())))
                // Hawtio's client sends the XSRF-TOKEN cookie back as X-XSRF-TOKEN on its Jolokia requests
                .csrf(csrf -> csrf
                        .csrfTokenRepository(xsrfCookie())
                        .csrfTokenRequestHandler(new SpaCsrf.TokenRequestHandler())
                        // Hawtio's login form posts JSON (a cross-site form cannot), before it has a token
                        .ignoringRequestMatchers(new AntPathRequestMatcher(HawtioLoginFilter.LOGIN_PATH, HttpMethod.POST.name())))
                .addFilterAfter(new SpaCsrf.CookieFilter(), BasicAuthenticationFilter.class)
                .addFilterBefore(hawtioLoginFilter(logins, json), AuthorizationFilter.class)
                // Jolokia: a GET only reads, foreign origins are refused (after the login, so strangers still get 401)
                .addFilterAfter(new JolokiaGuard(ops.getJolokia().getAllowedOrigins()), AuthorizationFilter.class);
        return http.build();
    }

    @Bean
    @ConditionalOnMissingBean
    LoginThrottle opsLoginThrottle(OpsProperties ops) {
        return new ClientLoginThrottle(ops.getLoginThrottle(), Clock.systemUTC());
    }

    private static BasicAuthenticationEntryPoint basicEntryPoint() {
        BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
        basic.setRealmName("Realm");
        return basic;
    }

    /** The CSRF cookie Hawtio's client reads (so not HttpOnly), same-site only like the session cookie. */
    private static CookieCsrfTokenRepository xsrfCookie() {
        CookieCsrfTokenRepository repository = CookieCsrfTokenRepository.withHttpOnlyFalse();
        repository.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        return repository;
    }

    @Bean
    UserDetailsService opsUsers(OpsProperties ops, PasswordEncoder passwordEncoder, Environment environment) {
        boolean dev = environment.acceptsProfiles(Profiles.of(DEV_PROFILE));
        if (ops.getPassword() == null || ops.getPassword().isBlank()) {
            throw new IllegalStateException("connecta.ops.password is not set: set the operator password (env "
                    + "CONNECTA_OPS_PASSWORD, plain or a Spring Security encoded value such as {bcrypt}...), or run the "
                    + "dev set-up (Spring profile '" + DEV_PROFILE + "')");
        }
        if (ops.usesDevPassword()) {
            if (!dev) {
                throw new IllegalStateException("connecta.ops.password is the built-in development password, which only "
                        + "the dev set-up (Spring profile '" + DEV_PROFILE + "') may use: set another one (env "
                        + "CONNECTA_OPS_PASSWORD)");
            }
            LOG.warn("*** SECURITY: the operator login ({}) uses the built-in development password (Spring profile '{}'). "
                    + "Set connecta.ops.password (env CONNECTA_OPS_PASSWORD) for anything but a local dev set-up. ***",
                    ops.getUsername(), DEV_PROFILE);
        }
        String password = ops.getPassword().startsWith("{") ? ops.getPassword() : "{noop}" + ops.getPassword();
        return new InMemoryUserDetailsManager(User.withUsername(ops.getUsername())
                .password(password)
                .roles(OPERATOR_ROLE)
                .build());
    }

    @Bean
    PasswordEncoder opsPasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * Authenticates the JSON credentials of Hawtio's login form against the same users as HTTP Basic (not a bean:
     * Spring Boot would register a Filter bean a second time, outside the security chain).
     */
    private static HawtioLoginFilter hawtioLoginFilter(AuthenticationManager logins, ObjectMapper json) {
        SecurityContextRepository contexts = new DelegatingSecurityContextRepository(
                new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());
        return new HawtioLoginFilter(logins, contexts, json);
    }
}
