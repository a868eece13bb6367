package org.deskframe.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Optional;

/**
 * The region's token-signing keys. Keys persist across restarts and carry a {@code kid}; the JWKS publishes the
 * current key and the previous one, so tokens signed before a rotation stay verifiable until they expire.
 */
public interface SigningKeys {
    /** Public key for a {@code kid} among the published keys (reloads from storage on a miss, for other nodes' rotations). */
    Optional<RSAKey> verificationKey(String kid);
    /** Current and previous public keys. */
    JWKSet publicKeys();
    /** Creates a new current key; the old current key becomes the previous one. Returns the new {@code kid}. */
    String rotate();
}
