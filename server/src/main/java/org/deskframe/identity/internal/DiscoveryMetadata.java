package org.deskframe.identity.internal;

import java.util.List;
import java.util.Map;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.Scope;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata;
import org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration;

/**
 * Makes both discovery documents (RFC 8414 and OpenID) advertise what this server really does, instead of everything
 * Spring's authorization server could do: the four grants Deskframe supports, client authentication by secret or
 * {@code private_key_jwt}, PKCE with S256 only, Deskframe's scopes, and no mTLS, DPoP, device flow or ID tokens.
 */
final class DiscoveryMetadata {

    static final List<String> GRANT_TYPES = List.of("authorization_code", "client_credentials", "refresh_token",
            OAuthClient.GRANT_JWT_BEARER);
    static final List<String> CLIENT_AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");

    private DiscoveryMetadata() {}

    static void oauth(OAuth2AuthorizationServerMetadata.Builder metadata) {
        metadata.claims(claims -> {
            restrict(claims);
            claims.put("scopes_supported", Scope.allValues());
        });
    }

    /**
     * The OpenID document serves libraries that only know OpenID discovery (issuer, endpoints, JWKS). Deskframe issues
     * no ID tokens (no client may be granted {@code openid}), so it advertises neither that scope nor the user-info and
     * logout endpoints, which need an ID token or the {@code openid} scope.
     */
    static void openId(OidcProviderConfiguration.Builder metadata) {
        metadata.claims(claims -> {
            restrict(claims);
            claims.put("scopes_supported", Scope.allValues());
            claims.remove("userinfo_endpoint");
            claims.remove("end_session_endpoint");
        });
    }

    private static void restrict(Map<String, Object> claims) {
        claims.put("grant_types_supported", GRANT_TYPES);
        claims.put("token_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        claims.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "ES256"));
        claims.put("revocation_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        claims.put("introspection_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        claims.put("code_challenge_methods_supported", List.of("S256"));
        claims.put("response_types_supported", List.of("code"));
        claims.remove("tls_client_certificate_bound_access_tokens");
        claims.remove("dpop_signing_alg_values_supported");
        claims.remove("device_authorization_endpoint");
    }
}
