package org.deskframe.identity.internal;

import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.util.List;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.RegionSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies {@code private_key_jwt} client assertions with the public keys registered inline with the client
 * (Spring's default only fetches a {@code jwks_uri}).
 */
class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

    private final ClientDirectory clients;
    private final RegionSettings region;

    ClientAssertionDecoders(ClientDirectory clients, RegionSettings region) {
        this.clients = clients;
        this.region = region;
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
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(),
                new JwtClaimValidator<String>(JwtClaimNames.ISS, clientId::equals),
                new JwtClaimValidator<String>(JwtClaimNames.SUB, clientId::equals),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null
                        && (aud.contains(region.tokenEndpoint()) || aud.contains(region.issuer()))),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtClaimValidator<String>(JwtClaimNames.JTI, jti -> jti != null && !jti.isBlank())));
        return decoder;
    }
}
