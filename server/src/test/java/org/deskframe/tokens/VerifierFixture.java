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
}
