package org.deskframe.identity.internal;

import java.util.Objects;
import java.util.Optional;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

/**
 * Keeps introspection inside one tenant (RFC 7662 section 4 lets the server decide whom it tells): a token is
 * described only to the client it was issued to or to another client of that client's organisation. Anyone else gets
 * {@code {"active":false}}, exactly as for an unknown token, so no other organisation's tokens can be probed.
 * Wraps Spring's introspection provider and changes nothing else of its answer.
 */
final class TenantScopedIntrospection implements AuthenticationProvider {

    private final AuthenticationProvider spring;
    private final ClientDirectory clients;

    TenantScopedIntrospection(AuthenticationProvider spring, ClientDirectory clients) {
        this.spring = spring;
        this.clients = clients;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return spring.supports(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Authentication result = spring.authenticate(authentication);
        if (!(result instanceof OAuth2TokenIntrospectionAuthenticationToken answer) || !answer.getTokenClaims().isActive()) {
            return result;
        }
        String caller = answer.getPrincipal() instanceof OAuth2ClientAuthenticationToken client && client.getRegisteredClient() != null
                ? client.getRegisteredClient().getClientId() : null;
        String tokenClient = answer.getTokenClaims().getClientId();
        if (caller != null && caller.equals(tokenClient)) {
            return result;
        }
        Optional<String> callerOrg = org(caller);
        if (callerOrg.isPresent() && callerOrg.equals(org(tokenClient))) {
            return result;
        }
        return new OAuth2TokenIntrospectionAuthenticationToken(answer.getToken(), (Authentication) answer.getPrincipal(),
                OAuth2TokenIntrospection.builder().build());
    }

    /** The organisation of a client; empty for the deployment admin (which has none) and unknown clients. */
    private Optional<String> org(String clientId) {
        return clientId == null ? Optional.empty() : clients.find(clientId).map(OAuthClient::orgId).filter(Objects::nonNull);
    }
}
