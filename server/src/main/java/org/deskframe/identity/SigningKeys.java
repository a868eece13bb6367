package org.deskframe.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Optional;

/**
 * The region's token-signing keys. Keys persist across restarts and carry a {@code kid}; the JWKS publishes the
 * current key and the previous one, so tokens signed before a rotation stay verifiable until they expire.
 */
public interface SigningKeys {
    /** Public key for a {@code kid} among the published keys (reloads from storage on a miss, for other nodes' rotations). */
    Optional<RSAKey> verificationKey(String kid);
    /**
     * The region's own HS256 key that goes with signing key {@code kid}: derived from its private half, so every node
     * holds the same one, it rotates and retires with that key, and it is never published. It signs what only this
     * region verifies (messenger guest tokens); empty for a kid that is not published (reloads on a miss too).
     */
    Optional<OctetSequenceKey> serverKey(String kid);
    /** Current and previous public keys. */
    JWKSet publicKeys();
    /** Creates a new current key; the old current key becomes the previous one. Returns the new {@code kid}. */
    String rotate();
}
