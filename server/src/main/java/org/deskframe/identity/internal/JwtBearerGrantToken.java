package org.deskframe.identity.internal;

import java.util.Map;
import java.util.Set;
import org.deskframe.identity.OAuthClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;

/** A token request with the RFC 7523 JWT bearer grant: the client's signed assertion and the scopes it asks for. */
class JwtBearerGrantToken extends OAuth2AuthorizationGrantAuthenticationToken {

    static final AuthorizationGrantType JWT_BEARER = new AuthorizationGrantType(OAuthClient.GRANT_JWT_BEARER);

    private final String assertion;
    private final Set<String> scopes;

    JwtBearerGrantToken(String assertion, Authentication clientPrincipal, Set<String> scopes, Map<String, Object> additional) {
        super(JWT_BEARER, clientPrincipal, additional);
        this.assertion = assertion;
        this.scopes = Set.copyOf(scopes);
    }

    String assertion() {
        return assertion;
    }

    Set<String> scopes() {
        return scopes;
    }
}
