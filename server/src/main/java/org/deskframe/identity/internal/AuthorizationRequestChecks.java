package org.deskframe.identity.internal;

import java.util.Map;
import java.util.function.Consumer;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;

/**
 * Checks an authorization request: Spring's checks (redirect URI, scopes), with an {@code invalid_scope} that
 * names the rejected scopes and the right ones instead of "OAuth 2.0 Parameter: scope"; that an S256
 * {@code code_challenge} has the form RFC 7636 gives it ({@code invalid_request}, description starting with
 * {@code pkce.invalid:}; Spring then requires the challenge and S256); then, once the agent has
 * signed in, that the agent belongs to the client's organisation ({@code access_denied} otherwise, so no code is
 * issued, with an {@code error_description} that starts with {@code grant.agent_not_in_org:}; token issuance checks it
 * again in {@link AccessTokenClaims}).
 */
class AuthorizationRequestChecks implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private final Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> springChecks =
            new OAuth2AuthorizationCodeRequestAuthenticationValidator();
    private final AgentDirectory agents;
    private final ClientDirectory clients;

    AuthorizationRequestChecks(AgentDirectory agents, ClientDirectory clients) {
        this.agents = agents;
        this.clients = clients;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        String clientId = context.getRegisteredClient().getClientId();
        try {
            springChecks.accept(context);
        } catch (OAuth2AuthorizationCodeRequestAuthenticationException e) {
            Problem scopes = OAuth2ErrorCodes.INVALID_SCOPE.equals(e.getError().getErrorCode())
                    ? ScopeRejection.check(clientId, request.getScopes(), context.getRegisteredClient().getScopes()) : null;
            if (scopes == null) throw e;
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
                    ScopeRejection.oauthDescription(scopes), null), request);
        }
        // Spring checks next that a challenge is present and its method S256; the form of an S256 challenge is ours.
        if (request.getAdditionalParameters().get(PkceParameterNames.CODE_CHALLENGE) instanceof String challenge
                && "S256".equals(request.getAdditionalParameters().get(PkceParameterNames.CODE_CHALLENGE_METHOD))) {
            PkceChecks.s256ChallengeProblem(challenge).ifPresent(p -> {
                throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                        p.code() + ": " + ScopeRejection.oauthDescription(p), null), request);
            });
        }
        if (!(request.getPrincipal() instanceof Authentication agent) || !agent.isAuthenticated()
                || agent instanceof AnonymousAuthenticationToken) {
            return; // not signed in yet: the login page comes first
        }
        String clientOrg = clients.find(clientId).map(OAuthClient::orgId).orElse(null);
        boolean sameOrg = clientOrg != null && agents.findByUsername(agent.getName())
                .map(a -> a.orgId().equals(clientOrg)).orElse(false);
        if (!sameOrg) {
            // A redirect carries no JSON body: the description starts with the catalogue code, then message and fix.
            Problem p = Problem.of(ErrorCode.GRANT_AGENT_NOT_IN_ORG, Map.of("subject", agent.getName(),
                    "org", String.valueOf(clientOrg), "client", clientId));
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
                    p.code() + ": " + ScopeRejection.oauthDescription(p), null), request);
        }
    }
}
