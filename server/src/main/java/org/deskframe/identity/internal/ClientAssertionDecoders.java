package org.deskframe.identity.internal;

import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.RegionSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies {@code private_key_jwt} client assertions with the public keys registered inline with the client
 * (Spring's default only fetches a {@code jwks_uri}). An assertion is short-lived (at most the configured assertion
 * lifetime) and single use: its {@code jti} is remembered until it expires, so a captured one cannot be replayed.
 */
class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

    private final ClientDirectory clients;
    private final RegionSettings region;
    private final IdentitySettings settings;
    private final IssuanceGroupCommit issuance;

    ClientAssertionDecoders(ClientDirectory clients, RegionSettings region, IdentitySettings settings, IssuanceGroupCommit issuance) {
        this.clients = clients;
        this.region = region;
        this.settings = settings;
        this.issuance = issuance;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient registered) {
        String jwks = clients.find(registered.getClientId()).map(c -> c.jwks()).orElse(null);
        if (jwks == null || jwks.isBlank()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                    "the client has no registered JWKS for private_key_jwt", null));
        }
        JWKSet set;
        try {
            set = JWKSet.parse(jwks);
        } catch (ParseException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                    "the client's registered JWKS cannot be parsed", null));
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(set))
                .jwsAlgorithms(algs -> { algs.add(SignatureAlgorithm.RS256); algs.add(SignatureAlgorithm.ES256); })
                .build();
        String clientId = registered.getClientId();
        // This server's endpoints that a client may name as the audience (RFC 7523 3: it identifies this server).
        Set<String> audiences = Set.of(region.issuer(), region.tokenEndpoint(), region.issuer() + "/oauth2/revoke",
                region.issuer() + "/oauth2/introspect");
        Duration longest = settings.maxAssertionLifetime().plus(settings.clockSkew());
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(settings.clockSkew()),
                new JwtClaimValidator<String>(JwtClaimNames.ISS, clientId::equals),
                new JwtClaimValidator<String>(JwtClaimNames.SUB, clientId::equals),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.stream().anyMatch(audiences::contains)),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtClaimValidator<String>(JwtClaimNames.JTI, jti -> jti != null && !jti.isBlank()),
                jwt -> jwt.getExpiresAt() != null && Duration.between(jwt.getIssuedAt() != null ? jwt.getIssuedAt() : Instant.now(),
                        jwt.getExpiresAt()).compareTo(longest) <= 0 ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        "the client assertion lives too long; exp may be at most " + settings.maxAssertionLifetime().toSeconds()
                                + " seconds after iat", null))));
        return token -> {
            Jwt jwt = decoder.decode(token);
            remember(clientId, jwt);
            return jwt;
        };
    }

    private void remember(String clientId, Jwt assertion) {
        try {
            // Group-committed with the tokens issued meanwhile; durable before the client is authenticated.
            issuance.useUp(new IssuanceGroupCommit.UsedAssertion("client-auth:" + clientId, assertion.getId(),
                    assertion.getExpiresAt().plus(settings.clockSkew())));
        } catch (IssuanceGroupCommit.AssertionAlreadyUsed e) {
            throw new BadJwtException("the client assertion was already used (jti '" + assertion.getId()
                    + "'); sign a new one for each request");
        }
    }
}
