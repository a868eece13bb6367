package org.deskframe.tokens;

import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.SigningKeys;
import org.deskframe.identity.TokenLedger;

/**
 * The server's own token verifier over identity directories a tool supplies (the benchmarks' in-memory ones), without
 * a Spring context. Part of the server's test-fixtures jar, so tools reach the verifier without sharing its package.
 */
public final class VerifierFixture {

    private VerifierFixture() {}

    public static AccessTokenVerifier verifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                                               AgentDirectory agents, IdentitySettings settings) {
        return new AccessTokenVerifier(region, keys, ledger, clients, agents, settings);
    }

    /** The verifier with its caches sized and timed by {@code checks} (size 0: every token is checked as if new). */
    public static AccessTokenVerifier verifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                                               AgentDirectory agents, IdentitySettings settings, TokenCheckSettings checks) {
        return new AccessTokenVerifier(region, keys, ledger, clients, agents, settings, checks, java.time.Clock.systemUTC(),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    }

    /** What identity tells the verifier after revoking tokens on this node (the ledger holds them revoked already). */
    public static void tokensRevoked(AccessTokenVerifier verifier, java.util.Set<String> jtis) {
        verifier.on(new org.deskframe.identity.AccessTokensRevoked(jtis));
    }
}
