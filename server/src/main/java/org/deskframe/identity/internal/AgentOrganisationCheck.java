package org.deskframe.identity.internal;

import java.util.function.Consumer;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.ClientDirectory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * At the authorization endpoint, once the agent has signed in: an agent of one organisation gets no code for another
 * organisation's client ({@code access_denied} at the client's redirect URI). Token issuance checks the same again
 * ({@link AccessTokenClaims}); this makes the refusal visible where it happens instead of at the code exchange.
 */
class AgentOrganisationCheck implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private final AgentDirectory agents;
    private final ClientDirectory clients;

    AgentOrganisationCheck(AgentDirectory agents, ClientDirectory clients) {
        this.agents = agents;
        this.clients = clients;
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        if (!(request.getPrincipal() instanceof Authentication agent) || !agent.isAuthenticated()
                || agent instanceof AnonymousAuthenticationToken) {
            return; // not signed in yet: the login page comes first
        }
        String clientId = context.getRegisteredClient().getClientId();
        String clientOrg = clients.find(clientId).map(OAuthClient::orgId).orElse(null);
        boolean sameOrg = clientOrg != null && agents.findByUsername(agent.getName())
                .map(a -> a.orgId().equals(clientOrg)).orElse(false);
        if (!sameOrg) {
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED,
                    "agent " + agent.getName() + " does not belong to the organisation of client " + clientId
                            + "; sign in with an agent of that organisation", null), request);
        }
    }
}
