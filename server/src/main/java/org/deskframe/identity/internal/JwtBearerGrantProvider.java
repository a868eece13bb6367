package org.deskframe.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.RegionSettings;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The trusted-backend grant (RFC 7523 JWT bearer): an integrator's backend, authenticated as its OAuth client, gets an
 * access token for one of its own org's agents by presenting a short-lived assertion it signed (HS256 with its client
 * secret, or RS256/ES256 with a key of its registered JWKS). Every refusal of the assertion or its agent is
 * {@code invalid_grant} carrying a catalogue problem ({@code assertion.invalid}, {@code assertion.bad_signature},
 * {@code assertion.replayed}, {@code grant.agent_not_in_org}, {@code agent.disabled}).
 * No refresh token is issued: the backend simply asks again.
 */
class JwtBearerGrantProvider implements org.springframework.security.authentication.AuthenticationProvider {

    private final ClientDirectory clients;
    private final AgentDirectory agents;
    private final LedgeredAuthorizationService authorizations;
    private final OAuth2TokenGenerator<? extends OAuth2Token> tokens;
    private final RegionSettings region;
    private final IdentitySettings settings;

    JwtBearerGrantProvider(ClientDirectory clients, AgentDirectory agents, LedgeredAuthorizationService authorizations,
                           OAuth2TokenGenerator<? extends OAuth2Token> tokens, RegionSettings region,
                           IdentitySettings settings) {
        this.clients = clients;
        this.agents = agents;
        this.authorizations = authorizations;
        this.tokens = tokens;
        this.region = region;
        this.settings = settings;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return JwtBearerGrantToken.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        JwtBearerGrantToken grant = (JwtBearerGrantToken) authentication;
        if (!(grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken clientAuth) || !clientAuth.isAuthenticated()) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        RegisteredClient registered = clientAuth.getRegisteredClient();
        if (registered == null || !registered.getAuthorizationGrantTypes().contains(JwtBearerGrantToken.JWT_BEARER)) {
            throw error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "this client may not use the jwt-bearer grant; ask an admin to add "
                    + OAuthClient.GRANT_JWT_BEARER + " to its grant types");
        }
        OAuthClient client = clients.find(registered.getClientId()).orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT));

        SignedJWT assertion;
        JWTClaimsSet claims;
        try {
            assertion = SignedJWT.parse(grant.assertion());
            claims = assertion.getJWTClaimsSet();
        } catch (ParseException | ClassCastException e) {
            throw invalid(client, "it is not a signed JWT (a compact JWS with three dot-separated parts)");
        }
        verifySignature(client, assertion);
        Instant now = Instant.now();
        checkClaims(client, claims, now);

        // An unknown username and another organisation's agent get the same answer: no probing of other organisations.
        Agent agent = agents.findByUsername(claims.getSubject())
                .filter(a -> a.orgId().equals(client.orgId()))
                .orElseThrow(() -> CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.GRANT_AGENT_NOT_IN_ORG,
                        Map.of("subject", claims.getSubject(), "org", String.valueOf(client.orgId()), "client", client.clientId())));
        if (!agent.enabled()) {
            throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.AGENT_DISABLED,
                    Map.of("agent", agent.id(), "org", agent.orgId()));
        }

        Set<String> scopes = grant.scopes().isEmpty() ? registered.getScopes() : grant.scopes();
        Problem scopeProblem = ScopeRejection.check(client.clientId(), scopes, registered.getScopes());
        if (scopeProblem != null) {
            throw error(OAuth2ErrorCodes.INVALID_SCOPE, ScopeRejection.oauthDescription(scopeProblem));
        }

        Authentication agentPrincipal = UsernamePasswordAuthenticationToken.authenticated(agent.username(), null,
                List.of(new SimpleGrantedAuthority("ROLE_AGENT")));
        var tokenContext = DefaultOAuth2TokenContext.builder()
                .registeredClient(registered)
                .principal(agentPrincipal)
                .authorizationServerContext(AuthorizationServerContextHolder.getContext())
                .authorizedScopes(scopes)
                .tokenType(OAuth2TokenType.ACCESS_TOKEN)
                .authorizationGrantType(JwtBearerGrantToken.JWT_BEARER)
                .authorizationGrant(grant)
                .build();
        OAuth2Token generated = tokens.generate(tokenContext);
        if (generated == null) {
            throw error(OAuth2ErrorCodes.SERVER_ERROR, "the access token could not be generated");
        }
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, generated.getTokenValue(),
                generated.getIssuedAt(), generated.getExpiresAt(), scopes);
        OAuth2Authorization.Builder authorization = OAuth2Authorization.withRegisteredClient(registered)
                .principalName(agent.username())
                .authorizationGrantType(JwtBearerGrantToken.JWT_BEARER)
                .authorizedScopes(scopes)
                .attribute(Principal.class.getName(), agentPrincipal);
        if (generated instanceof ClaimAccessor accessor) {
            authorization.token(accessToken, md -> md.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, accessor.getClaims()));
        } else {
            authorization.accessToken(accessToken);
        }
        // The assertion is used up in the commit that records the token (group-committed with other tokens): a replay,
        // before or in the same group, is refused and gets no token.
        try {
            authorizations.saveIssued(authorization.build(), new IssuanceGroupCommit.UsedAssertion(client.clientId(),
                    claims.getJWTID(), claims.getExpirationTime().toInstant().plus(settings.clockSkew())));
        } catch (IssuanceGroupCommit.AssertionAlreadyUsed replay) {
            throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.ASSERTION_REPLAYED,
                    Map.of("jti", claims.getJWTID()));
        }
        return new OAuth2AccessTokenAuthenticationToken(registered, clientAuth, accessToken);
    }

    private void verifySignature(OAuthClient client, SignedJWT assertion) {
        JWSAlgorithm alg = assertion.getHeader().getAlgorithm();
        try {
            JWSVerifier verifier;
            if (JWSAlgorithm.HS256.equals(alg)) {
                String secret = clients.assertionSecret(client.clientId()).orElseThrow(() -> badSignature(client,
                        "the client has no secret for HS256 assertions; sign with RS256 or ES256 and a key of a registered JWKS"));
                verifier = new MACVerifier(secret.getBytes(StandardCharsets.UTF_8));
            } else if (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) {
                JWK key = clientKey(client, assertion.getHeader().getKeyID(), alg);
                verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
            } else {
                throw badSignature(client, "alg '" + alg + "' is not accepted; use HS256, RS256 or ES256");
            }
            if (!assertion.verify(verifier)) {
                throw badSignature(client, alg + " signature does not verify with the client's "
                        + (JWSAlgorithm.HS256.equals(alg) ? "secret" : "registered key"));
            }
        } catch (JOSEException e) {
            throw badSignature(client, "the signature cannot be verified: " + e.getMessage());
        }
    }

    private JWK clientKey(OAuthClient client, String kid, JWSAlgorithm alg) {
        if (client.jwks() == null || client.jwks().isBlank()) {
            throw badSignature(client, "the client has no registered JWKS for " + alg + " assertions");
        }
        try {
            List<JWK> keys = JWKSet.parse(client.jwks()).getKeys().stream()
                    .filter(k -> kid == null || kid.equals(k.getKeyID()))
                    .filter(k -> JWSAlgorithm.RS256.equals(alg) ? k instanceof RSAKey : k instanceof ECKey)
                    .toList();
            if (keys.size() != 1) {
                throw badSignature(client, keys.isEmpty() ? "no registered key matches the assertion's kid '" + kid + "' and alg " + alg
                        : "several registered keys match; set 'kid' in the assertion header");
            }
            return keys.getFirst();
        } catch (ParseException e) {
            throw badSignature(client, "the client's registered JWKS cannot be parsed");
        }
    }

    private void checkClaims(OAuthClient client, JWTClaimsSet claims, Instant now) {
        long skew = settings.clockSkew().toSeconds();
        if (!client.clientId().equals(claims.getIssuer())) {
            throw invalid(client, "iss is '" + claims.getIssuer() + "', not the client id '" + client.clientId() + "'");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(a -> a.equals(region.tokenEndpoint()) || a.equals(region.issuer()))) {
            String reason = "aud " + (aud == null || aud.isEmpty() ? "is missing" : aud + " does not include")
                    + " the token endpoint '" + region.tokenEndpoint() + "'";
            if (aud == null || aud.isEmpty()) throw invalid(client, reason);
            throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.ASSERTION_WRONG_AUDIENCE, Map.of(
                    "reason", reason, "client", client.clientId(), "tokenEndpoint", region.tokenEndpoint(),
                    "expectedIssuer", region.issuer(), "audience", aud));
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw invalid(client, "sub is missing (it names the agent, by username)");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) throw invalid(client, "exp is missing");
        if (exp.toInstant().plusSeconds(skew).isBefore(now)) throw invalid(client, "it expired at " + exp.toInstant());
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minusSeconds(skew).isAfter(now)) {
            throw invalid(client, "it is not valid before " + nbf.toInstant() + " (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().minusSeconds(skew).isAfter(now)) {
            throw invalid(client, "its iat " + iat.toInstant() + " is in the future");
        }
        Instant start = iat != null ? iat.toInstant() : now;
        if (exp.toInstant().isAfter(start.plus(settings.maxAssertionLifetime()).plusSeconds(skew))) {
            throw invalid(client, "it lives too long: exp is " + Duration.between(start, exp.toInstant()).toSeconds()
                    + " seconds after " + (iat != null ? "iat" : "now") + ", more than " + settings.maxAssertionLifetime().toSeconds());
        }
        if (claims.getJWTID() == null || claims.getJWTID().isBlank()) {
            throw invalid(client, "jti is missing (each assertion is single use)");
        }
    }

    /** {@code assertion.invalid}: the details name the rules (with this deployment's values) next to the reason. */
    private OAuth2AuthenticationException invalid(OAuthClient client, String reason) {
        return CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.ASSERTION_INVALID, Map.of(
                "reason", reason, "client", client.clientId(), "tokenEndpoint", region.tokenEndpoint(),
                "maxLifetimeSeconds", settings.maxAssertionLifetime().toSeconds(), "skewSeconds", settings.clockSkew().toSeconds()));
    }

    private static OAuth2AuthenticationException badSignature(OAuthClient client, String reason) {
        return CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.ASSERTION_BAD_SIGNATURE,
                Map.of("reason", reason, "client", client.clientId()));
    }

    private static OAuth2AuthenticationException error(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, org.deskframe.diagnostics.HttpProblems.oauthSafe(description), null));
    }
}
