package io.connecta.common.security;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * This app's own service credential (OAuth2 client credentials) for its calls to the other apps. Takes the client
 * registration {@code connecta.security.client-registration} (default {@code connecta}); gives the value of an
 * {@code Authorization} header ({@code Bearer <access token>}), fetched from the issuer's token endpoint and reused
 * until it is about to expire. After a 401, {@link #invalidate()} drops the cached token so the next call fetches a
 * new one (a restarted issuer with a new key, a revoked token).
 */
public class ServiceTokens {

    /** The principal the service's own authorized client is stored under. */
    static final String PRINCIPAL = "connecta-service";

    private final String registrationId;
    private final ClientRegistrationRepository registrations;
    private final OAuth2AuthorizedClientService clients;
    private final OAuth2AuthorizedClientManager manager;

    public ServiceTokens(ClientRegistrationRepository registrations, String registrationId) {
        this.registrationId = registrationId;
        this.registrations = registrations;
        this.clients = new InMemoryOAuth2AuthorizedClientService(registrations);
        AuthorizedClientServiceOAuth2AuthorizedClientManager m =
                new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        m.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        this.manager = m;
    }

    /** Gives {@code Bearer <token>}; throws {@link IllegalStateException} when the issuer gives none. */
    public String authorizationHeader() {
        if (registrations.findByRegistrationId(registrationId) == null) {
            throw new IllegalStateException("no OAuth2 client registration '" + registrationId + "': set "
                    + "spring.security.oauth2.client.registration." + registrationId + ".client-id (and client-secret,"
                    + " authorization-grant-type client_credentials, the provider's token-uri)");
        }
        OAuth2AuthorizedClient client = manager.authorize(
                OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(PRINCIPAL).build());
        if (client == null) {
            throw new IllegalStateException("the issuer gave no token for client registration '" + registrationId + "'");
        }
        return "Bearer " + client.getAccessToken().getTokenValue();
    }

    /** Drops the cached token (call it after a 401), so the next {@link #authorizationHeader()} fetches a new one. */
    public void invalidate() {
        clients.removeAuthorizedClient(registrationId, PRINCIPAL);
    }
}
