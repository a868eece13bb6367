package org.deskframe.identity.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.RegionSettings;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes access tokens to RFC 9068: {@code typ: at+jwt}, the region's API as {@code aud}, the agent's id as
 * {@code sub} (the client's id for client_credentials), {@code org}, {@code region}, {@code client_id}, a
 * space-separated {@code scope} and a 144-bit random {@code jti}. Also refuses, at issue and at every refresh,
 * a token for a vanished agent ({@code agent.unknown}), a disabled agent ({@code agent.disabled}) or an agent outside
 * the client's organisation ({@code grant.agent_not_in_org}), as {@code invalid_grant} carrying the problem.
 */
class AccessTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegionSettings region;
    private final AgentDirectory agents;
    private final SigningKeyRing keys;

    AccessTokenClaims(RegionSettings region, AgentDirectory agents, SigningKeyRing keys) {
        this.region = region;
        this.agents = agents;
        this.keys = keys;
    }

    @Override
    public void customize(JwtEncodingContext ctx) {
        ctx.getJwsHeader().keyId(keys.current().getKeyID());
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(ctx.getTokenType())) {
            return;
        }
        // The registered client was read (enabled) by this request's client authentication: its org is in its settings.
        String clientId = ctx.getRegisteredClient().getClientId();
        String clientOrg = ctx.getRegisteredClient().getClientSettings().getSetting(RegisteredClients.ORG_SETTING);
        if (clientOrg != null && clientOrg.isEmpty()) clientOrg = null;
        ctx.getJwsHeader().type("at+jwt");
        var claims = ctx.getClaims();
        // A mutable ArrayList, not List.of: the claims are stored with the authorization, and Spring Security's JSON
        // allow-list refuses to read immutable JDK collections back (revocation, introspection and refresh read them).
        claims.audience(new ArrayList<>(List.of(region.apiAudience())));
        claims.id(newJti());
        claims.claim("client_id", clientId);
        claims.claim("region", region.id());
        claims.claim("scope", String.join(" ", ctx.getAuthorizedScopes().stream().sorted().toList()));
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(ctx.getAuthorizationGrantType())) {
            claims.subject(clientId);
            if (clientOrg != null) claims.claim("org", clientOrg);
            return;
        }
        String username = ctx.getPrincipal().getName();
        Agent agent = agents.findByUsername(username)
                .orElseThrow(() -> denied(ErrorCode.AGENT_UNKNOWN, Map.of("subject", username)));
        if (!agent.enabled()) {
            throw denied(ErrorCode.AGENT_DISABLED, Map.of("agent", agent.id(), "org", agent.orgId()));
        }
        if (clientOrg == null || !clientOrg.equals(agent.orgId())) {
            throw denied(ErrorCode.GRANT_AGENT_NOT_IN_ORG, Map.of("subject", agent.username(),
                    "org", String.valueOf(clientOrg), "client", clientId));
        }
        claims.subject(agent.id());
        claims.claim("org", agent.orgId());
        claims.claim("preferred_username", agent.username());
    }

    private static OAuth2AuthenticationException denied(ErrorCode error, Map<String, ?> details) {
        return CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, error, details);
    }

    static String newJti() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
