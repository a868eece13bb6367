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

    /** Values a registration may use; anything else is refused with {@code request.invalid}. */
    public static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials", GRANT_JWT_BEARER);
    public static final Set<String> AUTH_METHODS = Set.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    public static final Set<String> CAPABILITIES = Set.of(CAPABILITY_EMBED);
    /** An embedding origin is scheme://host[:port], exactly what a browser sends as Origin. */
    public static final String EMBED_ORIGIN_PATTERN = "https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?";
    /** A redirect URI is an absolute http(s) URI without a fragment (RFC 6749 section 3.1.2). */
    public static final String REDIRECT_URI_PATTERN = "https?://[^\\s#]+";

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
