package org.deskframe.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.springframework.context.ApplicationContext;

/**
 * Mints access tokens with a running server's own signing key but claims of the test's choosing (expired, not yet
 * valid, wrong type), or with a stranger's key (another region's issuer): bad inputs that the token endpoint never
 * produces but a widget can still be handed.
 */
public final class TokenMinter {

    private final RSAKey key;
    private final String issuer;

    private TokenMinter(RSAKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    /** Signs with the server's current key. */
    public static TokenMinter of(ApplicationContext context, String issuer) {
        return new TokenMinter(context.getBean(SigningKeyRing.class).current(), issuer);
    }

    /** Signs with a fresh key that no Deskframe deployment knows, as another region's issuer. */
    public static TokenMinter stranger(String issuer) {
        try {
            return new TokenMinter(new RSAKeyGenerator(2048).keyID("other-region-key").generate(), issuer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An agent token like the server issues (agent1 of demo through demo-backend), adjusted by {@code change}. */
    public String agentToken(String jti, Instant issuedAt, Instant expiresAt, String typ, UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(issuer + "/api").subject("agent1")
                .claim("org", "demo").claim("client_id", "demo-backend").claim("region", "local")
                .claim("scope", "messaging:read messaging:write").jwtID(jti)
                .issueTime(Date.from(issuedAt)).notBeforeTime(Date.from(issuedAt)).expirationTime(Date.from(expiresAt));
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(new JOSEObjectType(typ)).build(), change.apply(claims).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
