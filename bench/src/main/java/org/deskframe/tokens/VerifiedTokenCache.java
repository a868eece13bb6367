package org.deskframe.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Benchmark-only sketch of a cache of already-verified tokens, to measure what caching would buy; the server has no
 * such cache. Keyed by the SHA-256 of the token (never the token itself); an entry lives until the token expires, the
 * map is bounded, and a hit still asks the ledger so that a revocation takes effect at once.
 */
final class VerifiedTokenCache {

    private final Map<Key, VerifiedToken> entries = new ConcurrentHashMap<>();
    private final Function<String, VerifiedToken> verifier;
    private final InMemoryIdentity.Ledger ledger;
    private final int maxEntries;
    private final Clock clock = Clock.systemUTC();

    VerifiedTokenCache(Function<String, VerifiedToken> verifier, InMemoryIdentity.Ledger ledger, int maxEntries) {
        this.verifier = verifier;
        this.ledger = ledger;
        this.maxEntries = maxEntries;
    }

    VerifiedToken verify(String token) {
        Key key = new Key(sha256(token));
        VerifiedToken hit = entries.get(key);
        if (hit != null) {
            if (clock.instant().isBefore(hit.expiresAt()) && !ledger.isRevoked(hit.jti())) {
                return hit;
            }
            entries.remove(key);
        }
        VerifiedToken verified = verifier.apply(token);
        if (entries.size() >= maxEntries) {
            evictExpired();
        }
        if (entries.size() < maxEntries) {
            entries.put(key, verified);
        }
        return verified;
    }

    private void evictExpired() {
        var now = clock.instant();
        for (Iterator<VerifiedToken> it = entries.values().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().expiresAt())) it.remove();
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Key(byte[] hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(hash, k.hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash);
        }
    }
}
