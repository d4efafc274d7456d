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

    /** The development default; {@link OpsSecurityConfiguration} warns loudly at start-up while it is in use. */
    public static final String DEV_PASSWORD = "connecta-dev";

    /** Operator user name. */
    private String username = "admin";

    /**
     * Operator password: plain text, or a Spring Security encoded value with its id prefix (e.g. {@code {bcrypt}$2a$...}).
     * The default is for the embedded development set-up only.
     */
    private String password = DEV_PASSWORD;

    private final Cors cors = new Cors();

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
}
