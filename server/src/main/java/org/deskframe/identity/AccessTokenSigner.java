package org.deskframe.identity;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Signs access tokens the platform issues outside the authorization server (a messenger's guest tokens) with the
 * region's current signing key, so that the one access-token verifier checks them like every other.
 */
public interface AccessTokenSigner {
    /**
     * {@code claims} (with a {@code jti}, {@code sub} and {@code exp}) as a signed JWT: RS256, {@code typ: at+jwt}, the
     * current key's kid, recorded in the token ledger so it can be revoked like any access token.
     *
     * @param issuedTo who the token is for, as the ledger lists it ({@code messenger:<deployment>})
     */
    String signAccessToken(JWTClaimsSet claims, String issuedTo);
}
