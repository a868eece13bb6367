package org.deskframe.identity.internal;

import com.nimbusds.jwt.JWTClaimsSet;
import org.deskframe.identity.AccessTokenSigner;
import org.springframework.stereotype.Component;

/** Signs with the ring's current server key (HS256) and records the token in the ledger first (a token the ledger lacks is refused). */
@Component
class LedgeredTokenSigner implements AccessTokenSigner {

    private final SigningKeyRing keys;
    private final JdbcTokenLedger ledger;

    LedgeredTokenSigner(SigningKeyRing keys, JdbcTokenLedger ledger) {
        this.keys = keys;
        this.ledger = ledger;
    }

    @Override
    public String signAccessToken(JWTClaimsSet claims, String issuedTo) {
        if (claims.getJWTID() == null || claims.getSubject() == null || claims.getExpirationTime() == null) {
            throw new IllegalArgumentException("an access token needs jti, sub and exp");
        }
        String family = (issuedTo + ":" + claims.getSubject());
        ledger.recordIssued(claims.getJWTID(), family.length() > 100 ? family.substring(0, 100) : family, issuedTo,
                claims.getSubject(), claims.getExpirationTime().toInstant());
        return keys.signServerToken(claims);
    }
}
