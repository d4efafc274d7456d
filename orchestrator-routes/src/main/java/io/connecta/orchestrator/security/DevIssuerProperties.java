package io.connecta.orchestrator.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local development issuer ({@code connecta.security.dev-issuer.*}, Spring profile {@code dev} only): where its
 * signing key is kept, how long its tokens live, and its client_credentials clients with their fixed dev secrets and
 * roles (orchestrator-dev.yml).
 */
@ConfigurationProperties(prefix = "connecta.security.dev-issuer")
public class DevIssuerProperties {

    /** The signing key (a JWK with its private part), made on first start and kept so tokens survive a restart. */
    private Path keyFile;

    /** How long an access token is valid. */
    private Duration tokenTtl = Duration.ofHours(1);

    private List<Client> clients = new ArrayList<>();

    public Path getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(Path keyFile) {
        this.keyFile = keyFile;
    }

    public Duration getTokenTtl() {
        return tokenTtl;
    }

    public void setTokenTtl(Duration tokenTtl) {
        this.tokenTtl = tokenTtl;
    }

    public List<Client> getClients() {
        return clients;
    }

    public void setClients(List<Client> clients) {
        this.clients = clients;
    }

    /** One client: its id, its secret (plain, or with a Spring Security encoder prefix) and the roles its tokens carry. */
    public static class Client {

        private String id;
        private String secret;
        private List<String> roles = new ArrayList<>();

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public List<String> getRoles() {
            return roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }
    }
}
