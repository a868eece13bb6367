package org.deskframe.identity.internal;

import java.util.Map;
import org.deskframe.identity.OAuthClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import java.time.Duration;

/**
 * Shows Deskframe's client registrations to Spring's authorization server. Every code flow needs PKCE, refresh
 * tokens rotate on every use, access tokens are self-contained JWTs. Clients are read-only here (but for the upgrade
 * of a legacy secret hash): registration goes through the admin API.
 */
class RegisteredClients implements RegisteredClientRepository {

    /** The client's organisation id ("" for the deployment admin), in its {@link ClientSettings}. */
    static final String ORG_SETTING = "deskframe.org";

    private final JdbcClientDirectory clients;

    RegisteredClients(JdbcClientDirectory clients) {
        this.clients = clients;
    }

    /**
     * Spring saves a client only to upgrade its secret's hash after a successful check ({@link ClientSecretHashes}):
     * that is all this stores. Everything else about a client changes through the admin API.
     */
    @Override
    public void save(RegisteredClient registeredClient) {
        if (registeredClient.getClientSecret() != null) {
            clients.upgradeSecretHash(registeredClient.getClientId(), registeredClient.getClientSecret());
        }
    }

    @Override
    public RegisteredClient findById(String id) {
        return findByClientId(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return clients.findWithSecretHash(clientId).filter(r -> r.client().enabled()).map(this::toRegistered).orElse(null);
    }

    private RegisteredClient toRegistered(JdbcClientDirectory.WithSecretHash registration) {
        OAuthClient c = registration.client();
        RegisteredClient.Builder b = RegisteredClient.withId(c.clientId())
                .clientId(c.clientId())
                .clientName(c.name())
                .clientSecret(registration.secretHash());
        c.authMethods().forEach(m -> b.clientAuthenticationMethod(new ClientAuthenticationMethod(m)));
        c.grantTypes().forEach(g -> b.authorizationGrantType(new AuthorizationGrantType(g)));
        c.redirectUris().forEach(b::redirectUri);
        c.scopes().forEach(b::scope);
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(false)
                .settings(s -> s.putAll(Map.of(ORG_SETTING, c.orgId() == null ? "" : c.orgId())));
        if (c.authMethods().contains("private_key_jwt")) {
            settings.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS256);
        }
        return b.clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(c.accessTokenTtl())
                        .refreshTokenTimeToLive(c.refreshTokenTtl())
                        .reuseRefreshTokens(false)
                        .authorizationCodeTimeToLive(Duration.ofMinutes(1))
                        .build())
                .build();
    }
}
