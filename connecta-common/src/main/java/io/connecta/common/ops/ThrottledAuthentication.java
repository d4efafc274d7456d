package io.connecta.common.ops;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The operator's password check with the {@link LoginThrottle} in front, shared by HTTP Basic and Hawtio's login
 * form ({@link HawtioLoginFilter}): the client is the address in the request's {@link WebAuthenticationDetails}.
 */
final class ThrottledAuthentication implements AuthenticationManager {

    private static final Logger LOG = LoggerFactory.getLogger(ThrottledAuthentication.class);

    private final AuthenticationManager passwords;
    private final LoginThrottle throttle;

    ThrottledAuthentication(AuthenticationManager passwords, LoginThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        String client = attempt.getDetails() instanceof WebAuthenticationDetails web && web.getRemoteAddress() != null
                ? web.getRemoteAddress() : "unknown";
        String username = attempt.getName();
        long wait = throttle.retryAfterSeconds(client, username);
        if (wait > 0) {
            throw new TooManyAttempts(wait);
        }
        try {
            Authentication done = passwords.authenticate(attempt);
            throttle.succeeded(client, username);
            return done;
        } catch (AuthenticationException e) {
            throttle.failed(client, username);
            LOG.warn("Operator login refused for user '{}' from {}: {}", Printable.of(username, 64), client, e.getMessage());
            throw e;
        }
    }

    /** A client that failed too often for a user name, and how long it must wait. */
    static final class TooManyAttempts extends AuthenticationException {

        private final long retryAfterSeconds;

        TooManyAttempts(long retryAfterSeconds) {
            super("too many failed logins from this address; retry after " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** 429 with Retry-After, as problem+json. */
        void answer(HttpServletResponse response) throws IOException {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                    + "\"detail\":\"" + getMessage() + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** HTTP Basic's entry point, answering a throttled client 429 instead of 401. */
    static AuthenticationEntryPoint entryPoint(AuthenticationEntryPoint basic) {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException e) -> {
            if (e instanceof TooManyAttempts tooMany) {
                tooMany.answer(response);
            } else {
                basic.commence(request, response, e);
            }
        };
    }
}
