package io.connecta.common.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.WebAuthenticationDetailsSource;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Hawtio's login form with Spring Security. The form posts {@code {"username":…,"password":…}} to
 * {@code /actuator/hawtio/auth/login}; Hawtio's own login servlet, once it knows Spring Security is in charge
 * ({@link HawtioSpringSecurityBridge}), checks no password: it turns the Spring Security authentication of the
 * request into its session. This filter, inside the security chain, checks the password against the operator
 * users, starts a fresh session holding the authentication, and then lets Hawtio's servlet answer the form.
 * Wrong credentials get 401 without reaching Hawtio; repeated failures are throttled like HTTP Basic's, per client
 * address and user name ({@link ThrottledAuthentication}: 429 + Retry-After).
 */
final class HawtioLoginFilter extends OncePerRequestFilter {

    static final String LOGIN_PATH = OpsSecurityConfiguration.HAWTIO + "/auth/login";
    private static final int MAX_BODY = 8 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HawtioLoginFilter.class);

    private final AuthenticationManager authenticationManager;
    private final SecurityContextRepository contexts;
    private final ObjectMapper json;
    private final WebAuthenticationDetailsSource details = new WebAuthenticationDetailsSource();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    HawtioLoginFilter(AuthenticationManager authenticationManager, SecurityContextRepository contexts, ObjectMapper json) {
        this.authenticationManager = authenticationManager;
        this.contexts = contexts;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !(request.getContextPath() + LOGIN_PATH).equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        String username;
        String password;
        try {
            JsonNode form = json.readTree(body);
            username = form.path("username").asText("");
            password = form.path("password").asText("");
        } catch (IOException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        if (body.length > MAX_BODY || username.isEmpty()) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        Authentication authenticated;
        try {
            UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken.unauthenticated(username, password);
            attempt.setDetails(details.buildDetails(request));
            authenticated = authenticationManager.authenticate(attempt);
        } catch (ThrottledAuthentication.TooManyAttempts e) {
            e.answer(response);
            return;
        } catch (AuthenticationException e) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }

        // a fresh session for the new login (no session fixation), holding the authentication for Hawtio's requests
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(authenticated);
        holder.setContext(context);
        contexts.saveContext(context, request, response);
        LOG.info("Hawtio login: user '{}' from {}", Printable.of(username, 64), request.getRemoteAddr());

        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    /** The request with its already-read body, for Hawtio's login servlet to read again. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
