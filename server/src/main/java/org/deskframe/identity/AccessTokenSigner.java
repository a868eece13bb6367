package org.deskframe.identity;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Signs access tokens the platform issues outside the authorization server (a messenger's guest tokens) with the
 * region's current server key, so that the one access-token verifier checks them like every other. Only this region
 * ever verifies them, so they take an HMAC (HS256) rather than an RSA signature (~1 ms of CPU each).
 */
public interface AccessTokenSigner {
    /**
     * {@code claims} (with a {@code jti}, {@code sub} and {@code exp}) as a signed JWT: HS256 with the current key's
     * {@link SigningKeys#serverKey}, {@code typ: at+jwt}, its kid; recorded in the token ledger so it can be revoked
     * like any access token.
     *
     * @param issuedTo who the token is for, as the ledger lists it ({@code messenger:<deployment>})
     */
    String signAccessToken(JWTClaimsSet claims, String issuedTo);
}
