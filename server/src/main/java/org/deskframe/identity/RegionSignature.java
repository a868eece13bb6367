package org.deskframe.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * The RS256 signature check of a token this region signed, with one of its published keys: the one check behind the
 * resource servers' token check and the authorization server's introspection.
 *
 * <p>Why not Nimbus's {@code RSASSAVerifier}: it decodes the signature with Nimbus's own base64 codec, which took
 * ~12% of a whole new-token check (more than parsing both JSON parts), and it rebuilds the public key from the JWK for
 * every new verifier. The JDK's decoder and a key converted once do the same work in a fraction of that; the
 * signature itself is still the JDK's {@code SHA256withRSA}. What {@code RSASSAVerifier} also checks is kept: a
 * header with critical parameters ({@code crit}) is refused, as Nimbus refuses any it was not told to defer.
 */
public final class RegionSignature {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    /** The smallest RSA modulus a signature is checked with (NIST SP 800-131A; the region's own keys are 2048). */
    public static final int MIN_BITS = 2048;

    private final RSAKey key;
    private final RSAPublicKey publicKey;

    public RegionSignature(RSAKey key) {
        this.key = key;
        try {
            this.publicKey = key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not an RSA public key: " + key.getKeyID(), e);
        }
        // Checked here, not left to the provider: the JDK's refuses moduli under 512 bits, the native one none.
        if (publicKey.getModulus().bitLength() < MIN_BITS) {
            throw new IllegalArgumentException("RSA key " + key.getKeyID() + " has " + publicKey.getModulus().bitLength()
                    + " bits; at least " + MIN_BITS + " are required");
        }
    }

    /** The published key this check uses. */
    public RSAKey key() {
        return key;
    }

    /**
     * Whether {@code jwt} is signed RS256 by this key: false for another algorithm, a critical header parameter, a
     * signature that is not base64url, has the wrong length or does not match the signed content.
     */
    public boolean verifies(SignedJWT jwt) {
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) return false;
        var crit = jwt.getHeader().getCriticalParams();
        if (crit != null && !crit.isEmpty()) return false;
        byte[] signature;
        try {
            signature = BASE64URL.decode(jwt.getSignature().toString());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            // A new Signature per check: they are not thread-safe, and getInstance costs ~1% of a check.
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(publicKey);
            rs256.update(jwt.getSigningInput());
            return rs256.verify(signature);
        } catch (GeneralSecurityException e) {
            // A signature of the wrong length, or a key the provider refuses: it does not verify.
            return false;
        }
    }
}
