package io.connecta.common.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/**
 * Operations settings ({@code connecta.ops.*}): the operator login for Hawtio, Jolokia and the protected actuator
 * endpoints, and the origins the front end's API answers CORS requests from.
 */
@ConfigurationProperties(prefix = "connecta.ops")
public class OpsProperties {

    /**
     * The development password: accepted only under Spring profile {@code dev} (with a loud WARN at start-up); anywhere
     * else the app refuses to start ({@link OpsSecurityConfiguration}).
     */
    public static final String DEV_PASSWORD = "connecta-dev";

    /** Operator user name. */
    private String username = "admin";

    /**
     * Operator password: plain text, or a Spring Security encoded value with its id prefix (e.g. {@code {bcrypt}$2a$...}).
     * No default: the dev set-up (profile {@code dev}) sets the development password, anything else must set its own.
     */
    private String password = "";

    private final Cors cors = new Cors();

    private final Jolokia jolokia = new Jolokia();

    private final LoginThrottling loginThrottle = new LoginThrottling();

    /** The OpenAPI documents on the API docs page ({@code /api-docs/}), as {@code name=path} entries. */
    private List<String> apiDocs = new ArrayList<>();

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Cors getCors() {
        return cors;
    }

    public Jolokia getJolokia() {
        return jolokia;
    }

    public LoginThrottling getLoginThrottle() {
        return loginThrottle;
    }

    public List<String> getApiDocs() {
        return apiDocs;
    }

    public void setApiDocs(List<String> apiDocs) {
        this.apiDocs = apiDocs;
    }

    public boolean usesDevPassword() {
        return DEV_PASSWORD.equals(password) || ("{noop}" + DEV_PASSWORD).equals(password);
    }

    public static class Cors {

        /** Origins allowed to call {@code /api/fe/**} from a browser (e.g. the Angular dev server). None by default. */
        private List<String> allowedOrigins = new ArrayList<>();

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }
    }

    /** Who may call Jolokia from a browser ({@link JolokiaGuard}). */
    public static class Jolokia {

        /**
         * Browser origins (scheme://host[:port]) besides the app's own that may call Jolokia, e.g. a Hawtio served
         * elsewhere. Empty by default: same-origin only.
         */
        private List<String> allowedOrigins = new ArrayList<>();

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }
    }

    /** The login throttle of HTTP Basic and Hawtio's login form ({@link ClientLoginThrottle}), per client address and user. */
    public static class LoginThrottling {

        /** Failed logins a client may have for a user name; after that many it must wait before the next attempt. */
        private int freeFailures = 5;

        /** The first wait; it doubles with every further failure, up to {@code max-wait}. */
        private java.time.Duration initialWait = java.time.Duration.ofSeconds(1);

        private java.time.Duration maxWait = java.time.Duration.ofMinutes(5);

        public int getFreeFailures() {
            return freeFailures;
        }

        public void setFreeFailures(int freeFailures) {
            this.freeFailures = freeFailures;
        }

        public java.time.Duration getInitialWait() {
            return initialWait;
        }

        public void setInitialWait(java.time.Duration initialWait) {
            this.initialWait = initialWait;
        }

        public java.time.Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(java.time.Duration maxWait) {
            this.maxWait = maxWait;
        }
    }
}
