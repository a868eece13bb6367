package org.deskframe.identity;

import java.time.Duration;
import java.util.Set;

/**
 * An OAuth client registration. {@code orgId} is null only for deployment administrators (the bootstrap
 * admin client); every other client acts within one organisation. Secrets are never part of this view.
 */
public record OAuthClient(String clientId, String orgId, String name, Set<String> authMethods,
                          Set<String> grantTypes, Set<String> redirectUris, Set<String> scopes,
                          Set<String> embedOrigins, Set<String> capabilities, String jwks,
                          Duration accessTokenTtl, Duration refreshTokenTtl, boolean enabled) {

    public static final String CAPABILITY_EMBED = "embed";
    public static final String GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public OAuthClient {
        authMethods = Set.copyOf(authMethods);
        grantTypes = Set.copyOf(grantTypes);
        redirectUris = Set.copyOf(redirectUris);
        scopes = Set.copyOf(scopes);
        embedOrigins = Set.copyOf(embedOrigins);
        capabilities = Set.copyOf(capabilities);
    }

    public boolean canEmbed() {
        return capabilities.contains(CAPABILITY_EMBED);
    }

    public boolean isDeploymentAdmin() {
        return orgId == null;
    }
}
