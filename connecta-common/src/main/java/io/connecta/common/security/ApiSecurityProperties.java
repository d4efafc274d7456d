package io.connecta.common.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bearer token rules of the APIs ({@code connecta.security.*}). Takes the audience every token must carry and the
 * claim (a dotted path) that holds the caller's roles; the issuer itself is Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} / {@code jwk-set-uri}.
 */
@ConfigurationProperties(prefix = "connecta.security")
public class ApiSecurityProperties {

    /** A token whose {@code aud} claim lacks this value is refused (401). */
    private String audience = "connecta";

    /**
     * The claim with the caller's roles, a dotted path into the token's claims: {@code roles} (the dev issuer, Entra
     * ID app roles) or {@code realm_access.roles} (Keycloak). A list of strings, or one space- or comma-separated string.
     */
    private String rolesClaim = "roles";

    /**
     * The OAuth2 client registration ({@code spring.security.oauth2.client.registration.<id>}) whose client
     * credentials this app uses for its calls to the other apps (a worker to the BE API, the orchestrator to a
     * worker's profile API).
     */
    private String clientRegistration = "connecta";

    public String getAudience() {
        return audience;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public String getRolesClaim() {
        return rolesClaim;
    }

    public void setRolesClaim(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    public String getClientRegistration() {
        return clientRegistration;
    }

    public void setClientRegistration(String clientRegistration) {
        this.clientRegistration = clientRegistration;
    }
}
